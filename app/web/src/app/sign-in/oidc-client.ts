import { checkAuthor } from '@chat/protocol';
import { ErrorResponse, UserManager, WebStorageStateStore, type User } from 'oidc-client-ts';

/** What the chat keeps of a sign-in: the ID token it sends, when that expires, and the name its claims give. */
export interface SignedIn {
  idToken: string;
  /** Milliseconds since the epoch (the ID token's `exp`). */
  expiresAt: number;
  name: string | undefined;
}

/** A sign-in the provider answered with an OAuth error (`invalid_grant`: the refresh token is spent): final, unlike a network error. */
export const isRefusal = (err: unknown): boolean => err instanceof ErrorResponse;

/**
 * The OpenID Connect client the chat uses, over oidc-client-ts (Authorization Code + PKCE, refresh tokens,
 * RP-initiated logout). The session is kept in localStorage, so a reload or a second tab is still signed in.
 */
export interface OidcClient {
  /** Completes the provider's redirect back to `url` (`?code&state`); resolves with where the person was going. */
  completeSignIn(url: string): Promise<{ signedIn: SignedIn; returnTo: string }>;
  /** The kept session, if its ID token is still valid. */
  current(): Promise<SignedIn | null>;
  /** New tokens with the refresh token; null when there is none. Throws on failure (`isRefusal`: final). */
  refresh(): Promise<SignedIn | null>;
  /** Off to the provider's sign-in page, coming back to `returnTo`. */
  signIn(returnTo: string): Promise<void>;
  /**
   * Forgets the session here and, when the provider offers it, signs out there too: a redirect, after which the
   * promise never settles (the page is gone).
   */
  signOut(): Promise<void>;
}

export interface OidcSettings {
  issuer: string;
  clientId: string;
  scopes?: string;
  /** The app's root URL: where the provider sends the browser back after sign-in and sign-out. */
  appUrl: string;
}

export function createOidcClient({ issuer, clientId, scopes, appUrl }: OidcSettings): OidcClient {
  const manager = new UserManager({
    authority: issuer,
    client_id: clientId,
    redirect_uri: appUrl,
    post_logout_redirect_uri: appUrl,
    response_type: 'code',
    scope: scopes || 'openid profile email',
    userStore: new WebStorageStateStore({ store: localStorage }),
    // The chat refreshes on the ID token's clock (it is the token the server checks), not the access token's.
    automaticSilentRenew: false,
    loadUserInfo: false,
  });
  return {
    async completeSignIn(url) {
      const user = await manager.signinRedirectCallback(url);
      const state = user.state as { returnTo?: unknown } | undefined;
      return { signedIn: signedIn(user)!, returnTo: typeof state?.returnTo === 'string' ? state.returnTo : '' };
    },
    async current() {
      const kept = signedIn(await manager.getUser());
      return kept && kept.expiresAt > Date.now() ? kept : null;
    },
    async refresh() {
      const user = await manager.getUser();
      return user?.refresh_token ? signedIn(await manager.signinSilent()) : null;
    },
    signIn: (returnTo) => manager.signinRedirect({ state: { returnTo } }),
    async signOut() {
      const user = await manager.getUser();
      const logout = await manager.metadataService.getEndSessionEndpoint().catch(() => undefined);
      if (logout && user) return manager.signoutRedirect({ id_token_hint: user.id_token });
      // Cognito's discovery has no end_session_endpoint: sign out here, and the next sign-in asks the provider again.
      await manager.removeUser();
    },
  };
}

function signedIn(user: User | null): SignedIn | null {
  if (!user?.id_token) return null;
  const claims = user.profile as Record<string, unknown>;
  return { idToken: user.id_token, expiresAt: Number(claims['exp']) * 1000, name: displayName(claims) };
}

/**
 * The name to show until the server's `session` says (the same claims, in the server's order): `name`,
 * `preferred_username`, `cognito:username`, the e-mail's local part.
 */
export function displayName(claims: Record<string, unknown>): string | undefined {
  const email = typeof claims['email'] === 'string' ? claims['email'] : '';
  for (const c of [claims['name'], claims['preferred_username'], claims['cognito:username'], email.split('@')[0]]) {
    const name = checkAuthor(c);
    if (name.ok && c !== claims['sub']) return name.value;
  }
  return undefined;
}
