import { createHash, randomBytes } from 'node:crypto';

/** What the token endpoint answers. */
export interface TokenSet {
  id_token: string;
  access_token: string;
  refresh_token?: string;
  expires_in: number;
  token_type: string;
  scope?: string;
}

/** Tokens of a sign-in, and the provider's cookies as the browser would hold them (its session, for logout). */
export type SignedIn = TokenSet & { cookies: string };

export const DEFAULT_SCOPE = 'openid profile email groups';

/** Cookies of one browser-less session, for one host: enough for the provider's session and interaction cookies. */
class CookieJar {
  private readonly cookies = new Map<string, string>();
  take(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair = '', ...attrs] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const gone = value === '' || attrs.some((a) => /^\s*max-age=0\s*$/i.test(a) || /^\s*expires=thu, 01 jan 1970/i.test(a));
      if (gone) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

async function discover(issuer: string): Promise<Record<string, string>> {
  const res = await fetch(`${issuer}/.well-known/openid-configuration`);
  if (!res.ok) throw new Error(`discovery: HTTP ${res.status}`);
  return (await res.json()) as Record<string, string>;
}

async function tokenRequest(endpoint: string, form: Record<string, string>): Promise<TokenSet> {
  const res = await fetch(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form),
  });
  const body = (await res.json()) as TokenSet & { error?: string; error_description?: string };
  if (!res.ok) throw new Error(`token endpoint: ${res.status} ${body.error}: ${body.error_description}`);
  return body;
}

/**
 * The Authorization Code flow with PKCE as a browser runs it, without a browser: authorize, the login form, the
 * redirect back with a code, and the code exchanged for tokens. For tests that need tokens the provider issued
 * itself; the browser tests drive the same pages in Chromium.
 */
export async function signInWithCode(opts: {
  issuer: string;
  clientId: string;
  redirectUri: string;
  username: string;
  password: string;
  scope?: string;
}): Promise<SignedIn> {
  const meta = await discover(opts.issuer);
  const verifier = randomBytes(32).toString('base64url');
  const state = randomBytes(16).toString('base64url');
  const authorize = new URL(meta['authorization_endpoint']!);
  authorize.search = new URLSearchParams({
    client_id: opts.clientId,
    redirect_uri: opts.redirectUri,
    response_type: 'code',
    scope: opts.scope ?? DEFAULT_SCOPE,
    state,
    nonce: randomBytes(16).toString('base64url'),
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  }).toString();

  const jar = new CookieJar();
  let url = authorize.toString();
  let init: RequestInit = {};
  for (let hop = 0; hop < 10; hop++) {
    if (url.startsWith(opts.redirectUri)) {
      const back = new URL(url).searchParams;
      if (back.get('error')) throw new Error(`authorization: ${back.get('error')}: ${back.get('error_description')}`);
      if (back.get('state') !== state) throw new Error('authorization: state does not match');
      const tokens = await tokenRequest(meta['token_endpoint']!, {
        grant_type: 'authorization_code',
        code: back.get('code') ?? '',
        redirect_uri: opts.redirectUri,
        client_id: opts.clientId,
        code_verifier: verifier,
      });
      return { ...tokens, cookies: jar.header() };
    }
    const res = await fetch(url, { ...init, redirect: 'manual', headers: { ...init.headers, cookie: jar.header() } });
    jar.take(res);
    const location = res.headers.get('location');
    if (location) {
      url = new URL(location, url).toString();
      init = {};
      continue;
    }
    const html = await res.text();
    const refused = /role="alert">([^<]*)</.exec(html)?.[1];
    if (refused) throw new Error(`sign-in refused: ${refused}`);
    const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1];
    if (!res.ok || !action || !html.includes('name="password"'))
      throw new Error(`sign-in: expected the login form at ${url}, got HTTP ${res.status}: ${html.slice(0, 300)}`);
    url = new URL(action.replace(/&amp;/g, '&'), url).toString();
    init = {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ username: opts.username, password: opts.password }),
    };
  }
  throw new Error('sign-in: too many redirects');
}

export async function refreshTokens(opts: { issuer: string; clientId: string; refreshToken: string }): Promise<TokenSet> {
  const meta = await discover(opts.issuer);
  return tokenRequest(meta['token_endpoint']!, {
    grant_type: 'refresh_token',
    refresh_token: opts.refreshToken,
    client_id: opts.clientId,
  });
}
