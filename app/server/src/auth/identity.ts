import { createHash } from 'node:crypto';
import { displayNameFromClaims } from './display-name';
import { rolesFromClaims, type Role, type RoleRules } from './roles';
import type { VerifiedToken } from './token-verifier';

/** Who a verified token says its holder is, in the chat's terms. */
export interface Identity {
  /**
   * Stable for a person at an issuer, and the same on every server: `u` and 22 characters of a hash of `iss` and
   * `sub`. Fits the protocol's client id (`[A-Za-z0-9_-]`), whatever characters the provider's `sub` uses.
   */
  id: string;
  /** The token's `sub`, as the issuer knows the person. */
  subject: string;
  issuer: string;
  /** What the chat shows as author: see `displayNameFromClaims`; `user-` and part of `id` when no claim is usable. */
  name: string;
  /** Sets two people of the same name apart: the domain of a verified e-mail, else `#` and 4 characters of `id`. */
  tag: string;
  email: string | undefined;
  roles: readonly Role[];
  /** When the token stops being valid (milliseconds since the epoch): a socket on it must refresh by then. */
  expiresAt: number;
}

const isVerified = (v: unknown) => v === true || v === 'true'; // Cognito sends the string

export function identityOf(token: VerifiedToken, rules: RoleRules): Identity {
  const { claims } = token;
  const id = 'u' + createHash('sha256').update(`${claims.iss}\n${claims.sub}`).digest('base64url').slice(0, 22);
  const email = typeof claims['email'] === 'string' && claims['email'].includes('@') ? claims['email'] : undefined;
  const domain = email && isVerified(claims['email_verified']) ? email.slice(email.lastIndexOf('@') + 1).toLowerCase() : '';
  return {
    id,
    subject: claims.sub,
    issuer: claims.iss,
    name: displayNameFromClaims(claims) ?? `user-${id.slice(1, 7)}`,
    tag: /^[a-z0-9.-]{1,40}$/.test(domain) ? domain : `#${id.slice(-4)}`,
    email,
    roles: rolesFromClaims(claims, rules),
    expiresAt: claims.exp * 1000,
  };
}
