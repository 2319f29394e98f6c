/** Why a token was refused. Each has one clear message; none reveals more about the token than its holder knows. */
export type AuthFailure =
  | 'missing'
  | 'malformed'
  | 'expired'
  | 'not_yet_valid'
  | 'wrong_issuer'
  | 'wrong_audience'
  | 'bad_signature'
  | 'unknown_key'
  | 'algorithm'
  | 'claims'
  | 'issuer_unavailable';

const MESSAGES: Record<AuthFailure, string> = {
  missing: 'sign-in required: no token',
  malformed: 'the token is not a valid JWT',
  expired: 'the sign-in has expired: refresh the token or sign in again',
  not_yet_valid: 'the token is not valid yet (check the clock)',
  wrong_issuer: 'the token comes from another issuer',
  wrong_audience: 'the token is meant for another client',
  bad_signature: 'the token signature does not verify',
  unknown_key: 'the token is signed with a key the issuer does not publish',
  algorithm: 'the token is signed with an algorithm that is not allowed',
  claims: 'the token lacks a required claim',
  issuer_unavailable: 'the sign-in provider cannot be reached right now: try again shortly',
};

/**
 * A refused token. `code` is what a client sees (`unauthorized`: sign in again; `unavailable`: the issuer could not
 * be asked, try again later), `reason` the precise cause for logs and tests.
 */
export class AuthError extends Error {
  readonly code: 'unauthorized' | 'unavailable';
  constructor(
    readonly reason: AuthFailure,
    detail?: string,
  ) {
    super(detail ? `${MESSAGES[reason]} (${detail})` : MESSAGES[reason]);
    this.name = 'AuthError';
    this.code = reason === 'issuer_unavailable' ? 'unavailable' : 'unauthorized';
  }
}
