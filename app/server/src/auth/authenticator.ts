import { identityOf, type Identity } from './identity';
import { DEFAULT_ROLE_RULES, type RoleRules } from './roles';
import type { TokenVerifier } from './token-verifier';

export interface Authenticator {
  /** The identity a token proves, or an `AuthError` (`unauthorized`: refused; `unavailable`: the issuer could not be asked). */
  authenticate(token: unknown): Promise<Identity>;
  warmUp(): Promise<void>;
}

/** Token in, identity out: the one call the handshake and the HTTP routes need. */
export function createAuthenticator(verifier: TokenVerifier, rules: RoleRules = DEFAULT_ROLE_RULES): Authenticator {
  return {
    authenticate: async (token) => identityOf(await verifier.verify(token), rules),
    warmUp: () => verifier.warmUp(),
  };
}
