import { createHash, randomBytes } from 'node:crypto';
import { decodeJwt } from 'jose';
import { startOidcProvider, TEST_USERS, type OidcProvider } from '@chat/local-aws';

/**
 * The loopback OpenID Connect provider the sign-in tests rely on: what a browser client needs from it (discovery,
 * PKCE, CORS for its origin, refresh, RP-initiated logout) works as a real provider's does.
 */
describe('loopback OpenID Connect provider', () => {
  const app = 'http://127.0.0.1:4200';
  let provider: OidcProvider;
  beforeAll(async () => {
    provider = await startOidcProvider({ redirectUris: [`${app}/signed-in`], postLogoutRedirectUris: [`${app}/`] });
  });
  afterAll(() => provider.stop());

  const authorizeUrl = (params: Record<string, string>) => {
    const url = new URL(`${provider.issuer}/auth`);
    url.search = new URLSearchParams({
      client_id: provider.clientId,
      redirect_uri: `${app}/signed-in`,
      response_type: 'code',
      scope: 'openid profile email groups',
      state: 'st',
      ...params,
    }).toString();
    return url.toString();
  };

  test('discovery names the endpoints and claims a client needs', async () => {
    const doc = (await (await fetch(`${provider.issuer}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    expect(doc).toMatchObject({
      issuer: provider.issuer,
      jwks_uri: provider.jwksUri,
      authorization_endpoint: `${provider.issuer}/auth`,
      token_endpoint: `${provider.issuer}/token`,
      end_session_endpoint: `${provider.issuer}/session/end`,
      code_challenge_methods_supported: ['S256'],
    });
    expect(doc['claims_supported']).toEqual(expect.arrayContaining(['name', 'email', 'groups', 'cognito:groups']));
  });

  test('the public client must use PKCE, and may only return to its registered URIs', async () => {
    const noPkce = await fetch(authorizeUrl({}), { redirect: 'manual' });
    expect(new URL(noPkce.headers.get('location')!).searchParams.get('error_description')).toMatch(/PKCE/);
    const pkce = { code_challenge: createHash('sha256').update(randomBytes(32)).digest('base64url'), code_challenge_method: 'S256' };
    const elsewhere = await fetch(authorizeUrl({ ...pkce, redirect_uri: 'http://127.0.0.1:9999/x' }), { redirect: 'manual' });
    expect(elsewhere.status).toBe(400);
    expect(await elsewhere.text()).toContain('redirect_uri did not match');
    const ok = await fetch(authorizeUrl(pkce), { redirect: 'manual' });
    expect(ok.headers.get('location')).toMatch(/^\/interaction\/[A-Za-z0-9_-]+$/);
  });

  test("the login page is a plain form, and the token endpoint answers the web app's origin (CORS)", async () => {
    const pkce = { code_challenge: createHash('sha256').update(randomBytes(32)).digest('base64url'), code_challenge_method: 'S256' };
    const start = await fetch(authorizeUrl(pkce), { redirect: 'manual' });
    const cookie = start.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    const page = await fetch(new URL(start.headers.get('location')!, provider.issuer), { headers: { cookie } });
    const html = await page.text();
    expect(html).toContain('<label for="username">User name</label>');
    expect(html).toContain('<label for="password">Password</label>');
    expect(html).not.toMatch(/https?:\/\/(?!127\.0\.0\.1)/); // nothing a browser would fetch from the internet
    const preflight = await fetch(`${provider.issuer}/token`, {
      method: 'OPTIONS',
      headers: { origin: app, 'access-control-request-method': 'POST' },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBe(app);
  });

  test('ID tokens carry the profile, groups in both shapes; refresh tokens rotate', async () => {
    const tokens = await provider.signIn('alice');
    expect(decodeJwt(tokens.id_token)).toMatchObject({
      name: 'Alice Admin',
      email: 'alice@example.com',
      groups: ['admin'],
      'cognito:groups': ['admin'],
      aud: provider.clientId,
      iss: provider.issuer,
    });
    const renewed = await provider.refresh(tokens.refresh_token!);
    expect(renewed.refresh_token).toBeDefined();
    expect(renewed.refresh_token).not.toBe(tokens.refresh_token);
    await expect(provider.refresh(tokens.refresh_token!)).rejects.toThrow(/invalid_grant/);
  });

  test('RP-initiated logout signs out at once and returns to the registered URI', async () => {
    const { id_token, refresh_token, cookies } = await provider.signIn('carol');
    const end = new URL(`${provider.issuer}/session/end`);
    end.search = new URLSearchParams({ id_token_hint: id_token, post_logout_redirect_uri: `${app}/` }).toString();
    const page = await fetch(end, { headers: { cookie: cookies } });
    const html = await page.text();
    // The confirmation a browser never needs to click: answered "yes" and submitted by the page itself.
    expect(html).toContain('name="logout" value="yes"');
    expect(html).toContain("document.getElementById('op.logoutForm').submit()");
    const action = /<form id="op.logoutForm" method="post" action="([^"]+)">/.exec(html)![1]!;
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(html)![1]!;
    const sessionCookies = [cookies, ...page.headers.getSetCookie().map((c) => c.split(';')[0])].join('; ');
    const confirm = await fetch(new URL(action, provider.issuer), {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: sessionCookies },
      body: new URLSearchParams({ xsrf, logout: 'yes' }),
    });
    expect(confirm.status).toBe(303);
    expect(confirm.headers.get('location')).toBe(`${app}/`);
    // The session ended, and the refresh token that lived with it.
    await expect(provider.refresh(refresh_token!)).rejects.toThrow(/invalid_grant/);
  });

  test('the client can be pointed at a server started later; keys rotate without losing sessions', async () => {
    const late = await startOidcProvider();
    try {
      late.setClient({ redirectUris: ['http://127.0.0.1:5555/cb'] });
      const tokens = await late.signIn('bob', { redirectUri: 'http://127.0.0.1:5555/cb' });
      const kid = late.rotateKeys();
      expect(late.signingKid).toBe(kid);
      const renewed = await late.refresh(tokens.refresh_token!);
      expect(JSON.parse(Buffer.from(renewed.id_token.split('.')[0]!, 'base64url').toString())).toMatchObject({ kid });
    } finally {
      await late.stop();
    }
  });

  test('every test user signs in', async () => {
    for (const user of TEST_USERS) expect(decodeJwt((await provider.signIn(user.username)).id_token).sub).toBe(user.sub);
  });
});
