import { fetchJson } from './fetch-json';

/** The discovery document's endpoints a browser's sign-in client calls with fetch (navigations need no connect-src). */
const FETCHED = ['token_endpoint', 'userinfo_endpoint', 'revocation_endpoint', 'jwks_uri'] as const;

/**
 * The origins the web page contacts to sign in, for its Content-Security-Policy `connect-src`: the issuer's (the
 * discovery document), and those of the endpoints it names, which may live elsewhere (Cognito's token endpoint is
 * on the pool's hosted domain). The issuer unreachable at start-up: its own origin only, and the reason.
 */
export async function signInOrigins(issuer: string, timeoutMs: number): Promise<{ origins: string[]; problem?: string }> {
  const origins = new Set([new URL(issuer).origin]);
  try {
    const doc = await fetchJson(new URL(`${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`), timeoutMs);
    for (const name of FETCHED) {
      const value = (doc as Record<string, unknown> | null)?.[name];
      const url = typeof value === 'string' ? URL.parse(value) : null;
      if (url && (url.protocol === 'https:' || url.protocol === 'http:')) origins.add(url.origin);
    }
    return { origins: [...origins] };
  } catch (err) {
    return { origins: [...origins], problem: (err as Error).message };
  }
}
