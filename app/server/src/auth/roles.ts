export type Role = 'admin' | 'moderator';

/** Which claim holds a user's groups, and which group names make an admin or a moderator. */
export interface RoleRules {
  /** Default `cognito:groups`. Another provider's claim (`groups`, `roles`, a namespaced URL claim, `realm_access.roles`). */
  claim: string;
  adminGroups: readonly string[];
  moderatorGroups: readonly string[];
}

export const DEFAULT_ROLE_RULES: RoleRules = { claim: 'cognito:groups', adminGroups: ['admin'], moderatorGroups: ['moderator'] };

/** The claim by its exact name first (names may hold dots, as URL-named claims do), then as a dotted path. */
function claimValue(claims: Record<string, unknown>, name: string): unknown {
  if (name in claims) return claims[name];
  let value: unknown = claims;
  for (const part of name.split('.')) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

/** The groups in a claim: an array of strings, or one string of names separated by spaces or commas. */
export function groupsFromClaims(claims: Record<string, unknown>, claim: string): string[] {
  const value = claimValue(claims, claim);
  if (Array.isArray(value)) return value.filter((g): g is string => typeof g === 'string');
  if (typeof value === 'string') return value.split(/[\s,]+/).filter(Boolean);
  return [];
}

/** An admin also moderates: whoever manages rooms and members may delete a message. */
export function rolesFromClaims(claims: Record<string, unknown>, rules: RoleRules = DEFAULT_ROLE_RULES): Role[] {
  const groups = new Set(groupsFromClaims(claims, rules.claim));
  const admin = rules.adminGroups.some((g) => groups.has(g));
  const moderator = admin || rules.moderatorGroups.some((g) => groups.has(g));
  return [...(admin ? (['admin'] as const) : []), ...(moderator ? (['moderator'] as const) : [])];
}
