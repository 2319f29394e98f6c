import type { InviteRecord, InviteRefusal } from '../ports';

/** Why an invite admits nobody at `at`, if it does not: the one rule both Memberships adapters apply. */
export function inviteRefusal(invite: InviteRecord, at: string): InviteRefusal | undefined {
  if (invite.revokedAt !== undefined) return 'revoked';
  if (Date.parse(invite.expiresAt) <= Date.parse(at)) return 'expired';
  if (invite.singleUse && invite.usedAt !== undefined) return 'used';
  return undefined;
}
