/** Sign-in: OpenID Connect tokens verified against the issuer, and the chat identity they prove. */
export { AuthError, type AuthFailure } from './errors';
export { createAuthenticator, type Authenticator } from './authenticator';
export { bearerToken } from './bearer';
export { cleanDisplayName, displayNameFromClaims } from './display-name';
export { distinctNames } from './distinct-names';
export { identityOf, type Identity } from './identity';
export { DEFAULT_ROLE_RULES, groupsFromClaims, rolesFromClaims, type Role, type RoleRules } from './roles';
export { isLoopbackHost, secureUrl } from './secure-url';
export {
  ALLOWED_ALGORITHMS,
  createTokenVerifier,
  type TokenVerifier,
  type TokenVerifierOptions,
  type VerifiedToken,
} from './token-verifier';
