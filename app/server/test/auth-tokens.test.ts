import { decodeJwt, SignJWT, exportSPKI, importJWK } from 'jose';
import { HOSTILE_KINDS, startOidcProvider, type HostileKind, type OidcProvider } from '@chat/local-aws';
import {
  AuthError,
  createAuthenticator,
  createTokenVerifier,
  DEFAULT_ROLE_RULES,
  type AuthFailure,
  type TokenVerifierOptions,
} from '../src/auth';
import { verdict } from './support/auth-verdict';
import { eventually } from './support/eventually';

/** Token verification against a real OpenID Connect provider on loopback (oidc-provider), refusal by refusal. */
describe('token verification', () => {
  let provider: OidcProvider;
  const verifierFor = (p: OidcProvider, opts: Partial<TokenVerifierOptions> = {}) =>
    createTokenVerifier({ issuer: p.issuer, audience: p.clientId, ...opts });

  beforeAll(async () => {
    provider = await startOidcProvider({ redirectUris: ['http://127.0.0.1:4200/signed-in'] });
  });
  afterAll(() => provider.stop());

  test('an ID token from the real sign-in flow (code + PKCE) proves who signed in, with name, tag and roles', async () => {
    const tokens = await provider.signIn('alice');
    const auth = createAuthenticator(verifierFor(provider));
    const alice = await auth.authenticate(tokens.id_token);
    expect(alice).toMatchObject({
      subject: provider.user('alice').sub,
      issuer: provider.issuer,
      name: 'Alice Admin',
      tag: 'example.com',
      email: 'alice@example.com',
      roles: ['admin', 'moderator'],
    });
    expect(alice.id).toMatch(/^u[A-Za-z0-9_-]{22}$/);
    expect(alice.expiresAt).toBe(decodeJwt(tokens.id_token).exp! * 1000);
    // The same person is the same id on every sign-in (and every server: nothing but the claims goes into it).
    expect((await auth.authenticate((await provider.signIn('alice')).id_token)).id).toBe(alice.id);
    expect((await auth.authenticate((await provider.signIn('bob')).id_token)).roles).toEqual(['moderator']);
  });

  test('a wrong password gets no tokens', async () => {
    await expect(provider.signIn('alice', { password: 'guess' })).rejects.toThrow('Wrong user name or password');
  });

  test('names fall back claim by claim, and a name with a bidi override is not shown', async () => {
    const auth = createAuthenticator(verifierFor(provider));
    const nameOf = async (user: string) => (await auth.authenticate((await provider.signIn(user)).id_token)).name;
    expect(await nameOf('dave')).toBe('dave'); // no name: preferred_username
    expect(await nameOf('erin')).toBe('erin.e'); // nor that: the e-mail's local part
    expect(await nameOf('mallory')).toBe('mallory'); // name "Mall\u202Eyro" refused
  });

  test('a Cognito access token (client_id, token_use access, no aud) is accepted, its groups give roles', async () => {
    const verifier = verifierFor(provider);
    const token = await provider.mint(provider.user('bob'), { shape: 'cognito-access' });
    const verified = await verifier.verify(token);
    expect(verified.use).toBe('access');
    expect((await createAuthenticator(verifier).authenticate(token)).roles).toEqual(['moderator']);
    // Cognito's ID token shape too: token_use id, cognito:username.
    expect((await verifier.verify(await provider.mint(provider.user('carol'), { shape: 'cognito-id' }))).use).toBe('id');
  });

  test('groups from another claim, with other group names, when configured', async () => {
    const auth = createAuthenticator(verifierFor(provider), { ...DEFAULT_ROLE_RULES, claim: 'groups', moderatorGroups: ['readers'] });
    expect((await auth.authenticate(await provider.mint(provider.user('dave')))).roles).toEqual(['moderator']);
  });

  const expected: Record<HostileKind, AuthFailure> = {
    expired: 'expired',
    'not-yet-valid': 'not_yet_valid',
    'wrong-audience': 'wrong_audience',
    'other-issuer': 'wrong_issuer',
    'other-key': 'bad_signature',
    'unknown-kid': 'unknown_key',
    'alg-none': 'algorithm',
    tampered: 'bad_signature',
  };
  test.each(HOSTILE_KINDS.map((k) => [k]))('refused: %s', async (kind) => {
    const verifier = verifierFor(provider);
    const carol = provider.user('carol');
    expect(await verdict(verifier.verify(await provider.hostile(kind, carol)))).toBe(expected[kind]);
    // Whatever the shape: Cognito's access tokens are held to the same rules.
    expect(await verdict(verifier.verify(await provider.hostile(kind, carol, { shape: 'cognito-access' })))).toBe(expected[kind]);
    // And a genuine token of the same person passes, so the refusal was the token's fault.
    expect(await verdict(verifier.verify(await provider.mint(carol)))).toBe('ok');
  });

  test('refused: no token, not a JWT, an oversized one; every refusal is `unauthorized`', async () => {
    const verifier = verifierFor(provider);
    expect(await verdict(verifier.verify(undefined))).toBe('missing');
    expect(await verdict(verifier.verify(''))).toBe('missing');
    expect(await verdict(verifier.verify('not-a-token'))).toBe('malformed');
    expect(await verdict(verifier.verify('a.b.c'))).toBe('malformed');
    expect(await verdict(verifier.verify(42))).toBe('malformed'); // a handshake's auth.token can be anything
    expect(await verdict(verifier.verify(`${'a'.repeat(20_000)}.b.c`))).toBe('malformed');
    const err = await verifier.verify(await provider.hostile('expired', provider.user('carol'))).catch((e: AuthError) => e);
    expect(err).toMatchObject({ code: 'unauthorized', reason: 'expired' });
    expect((err as Error).message).toMatch(/expired/);
  });

  test('refused: a token signed with HS256 using the issuer public key as the secret (algorithm confusion)', async () => {
    const verifier = verifierFor(provider);
    await verifier.warmUp();
    const jwks = (await (await fetch(provider.jwksUri)).json()) as { keys: Record<string, unknown>[] };
    const publicKey = await importJWK(jwks.keys[0]!, 'RS256');
    const secret = new TextEncoder().encode(await exportSPKI(publicKey as Parameters<typeof exportSPKI>[0]));
    const forged = await new SignJWT({ sub: 'x', aud: provider.clientId })
      .setProtectedHeader({ alg: 'HS256', kid: provider.signingKid })
      .setIssuer(provider.issuer)
      .setExpirationTime('5m')
      .sign(secret);
    expect(await verdict(verifier.verify(forged))).toBe('algorithm');
  });

  test('refused: the right token kinds with the wrong client or use', async () => {
    const verifier = verifierFor(provider);
    const carol = provider.user('carol');
    const access = (claims: Record<string, unknown>) => provider.mint(carol, { shape: 'cognito-access', claims });
    expect(await verdict(verifier.verify(await access({ client_id: 'another-client' })))).toBe('wrong_audience');
    expect(await verdict(verifier.verify(await access({ token_use: 'id' })))).toBe('claims');
    expect(await verdict(verifier.verify(await access({ client_id: undefined })))).toBe('wrong_audience');
    expect(await verdict(verifier.verify(await provider.mint(carol, { claims: { token_use: 'access' } })))).toBe('claims');
    expect(
      await verdict(verifier.verify(await provider.mint(carol, { claims: { aud: ['other', provider.clientId], azp: 'other' } }))),
    ).toBe('wrong_audience');
    expect(await verdict(verifier.verify(await provider.mint(carol, { claims: { sub: undefined } })))).toBe('claims');
    expect(await verdict(verifier.verify(await provider.mint(carol, { claims: { exp: undefined } })))).toBe('claims');
    expect(await verdict(verifier.verify(await provider.mint(carol, { claims: { exp: 'later' } })))).toBe('claims');
    expect(await verdict(verifier.verify(await provider.mint(carol, { claims: { sub: 42 } })))).toBe('claims');
  });

  test('clocks may disagree a little: a token expired or not yet valid by seconds passes, by minutes not', async () => {
    const verifier = verifierFor(provider);
    const carol = provider.user('carol');
    expect(await verdict(verifier.verify(await provider.mint(carol, { expiresIn: -5 })))).toBe('ok');
    expect(await verdict(verifier.verify(await provider.mint(carol, { notBefore: 5 })))).toBe('ok');
    expect(await verdict(verifier.verify(await provider.mint(carol, { expiresIn: -120 })))).toBe('expired');
  });

  test('a real token expires; the refresh token gets a new one that verifies', async () => {
    const shortLived = await startOidcProvider({ ttl: { idToken: 1, accessToken: 1 } });
    try {
      const verifier = verifierFor(shortLived, { clockToleranceSeconds: 0 });
      const first = await shortLived.signIn('carol');
      expect(first.refresh_token).toBeDefined();
      await eventually(async () => (await verdict(verifier.verify(first.id_token))) === 'expired', 15_000, 'the ID token expired');
      const renewed = await shortLived.refresh(first.refresh_token!);
      expect((await verifier.verify(renewed.id_token)).claims.sub).toBe(shortLived.user('carol').sub);
    } finally {
      await shortLived.stop();
    }
  });

  test("an unknown kid makes the verifier fetch the issuer's keys again: a rotated key is accepted", async () => {
    const rotating = await startOidcProvider();
    try {
      const verifier = verifierFor(rotating, { keyRefreshCooldownMs: 0 });
      const carol = rotating.user('carol');
      expect(await verdict(verifier.verify(await rotating.mint(carol)))).toBe('ok');
      const fetched = rotating.requestCount('/jwks');
      const kid = rotating.rotateKeys();
      const token = await rotating.mint(carol);
      expect(decodeJwt(token)).toBeDefined();
      expect(await verdict(verifier.verify(token))).toBe('ok');
      expect(rotating.requestCount('/jwks')).toBe(fetched + 1);
      expect(JSON.stringify(await (await fetch(rotating.jwksUri)).json())).toContain(kid);
      // A session signed in before the rotation still refreshes and verifies (the provider keeps its sessions).
      const tokens = await rotating.signIn('carol');
      rotating.rotateKeys();
      expect(await verdict(verifier.verify((await rotating.refresh(tokens.refresh_token!)).id_token))).toBe('ok');
    } finally {
      await rotating.stop();
    }
  });

  test('a flood of made-up kids costs the issuer at most one key fetch per cooldown', async () => {
    const verifier = verifierFor(provider, { keyRefreshCooldownMs: 60_000 });
    const carol = provider.user('carol');
    const before = provider.requestCount('/jwks');
    const flood = await Promise.all(Array.from({ length: 30 }, () => provider.hostile('unknown-kid', carol)));
    const verdicts = await Promise.all(flood.map((t) => verdict(verifier.verify(t))));
    expect(new Set(verdicts)).toEqual(new Set(['unknown_key']));
    for (const t of flood) expect(await verdict(verifier.verify(t))).toBe('unknown_key');
    expect(provider.requestCount('/jwks') - before).toBe(1); // the first load, shared by all
    expect(await verdict(verifier.verify(await provider.mint(carol)))).toBe('ok');
  });

  describe('issuer down', () => {
    test('not answering at all (connection refused): `unavailable`, a clear message, the next try waits', async () => {
      const gone = await startOidcProvider();
      const verifier = verifierFor(gone, { retryAfterMs: 60_000 });
      const token = await gone.mint(gone.user('carol'));
      await gone.stop();
      const err = await verifier.verify(token).catch((e: AuthError) => e);
      expect(err).toBeInstanceOf(AuthError);
      expect(err).toMatchObject({ code: 'unavailable', reason: 'issuer_unavailable' });
      expect((err as Error).message).toMatch(/sign-in provider cannot be reached.*discovery/);
      expect(await verdict(verifier.verify(token))).toBe('issuer_unavailable');
    });

    test('answering 503: refused as unavailable without asking on every request; fine again once it heals', async () => {
      const flaky = await startOidcProvider();
      try {
        const verifier = verifierFor(flaky, { retryAfterMs: 300 });
        const token = await flaky.mint(flaky.user('carol'));
        flaky.outage('error');
        expect(await verdict(verifier.verify(token))).toBe('issuer_unavailable');
        const asked = flaky.requestCount('/.well-known/openid-configuration');
        for (let i = 0; i < 20; i++) expect(await verdict(verifier.verify(token))).toBe('issuer_unavailable');
        expect(flaky.requestCount('/.well-known/openid-configuration')).toBeLessThanOrEqual(asked + 1);
        flaky.outage(undefined);
        await eventually(async () => (await verdict(verifier.verify(token))) === 'ok', 15_000, 'verification after the issuer healed');
      } finally {
        await flaky.stop();
      }
    });

    test('hanging: the wait is bounded by the timeout', async () => {
      const stuck = await startOidcProvider();
      try {
        const verifier = verifierFor(stuck, { timeoutMs: 300 });
        const token = await stuck.mint(stuck.user('carol'));
        stuck.outage('hang');
        const err = await verifier.verify(token).catch((e: AuthError) => e);
        expect(err).toMatchObject({ reason: 'issuer_unavailable' });
        expect((err as Error).message).toContain('no answer within 300 ms');
      } finally {
        await stuck.stop();
      }
    });

    test('known keys keep verifying while the issuer is down, even past their refresh age', async () => {
      const down = await startOidcProvider();
      try {
        const verifier = verifierFor(down, { keyMaxAgeMs: 0, retryAfterMs: 0 });
        await verifier.warmUp();
        const carol = down.user('carol');
        down.outage('error');
        for (let i = 0; i < 3; i++) expect(await verdict(verifier.verify(await down.mint(carol)))).toBe('ok');
        expect(await verdict(verifier.verify(await down.hostile('expired', carol)))).toBe('expired');
      } finally {
        await down.stop();
      }
    });
  });

  describe('configuration', () => {
    test('an issuer over plain HTTP is refused unless it is on loopback', () => {
      const opts = { audience: 'c' };
      expect(() => createTokenVerifier({ ...opts, issuer: 'http://login.example.com' })).toThrow(/https:\/\//);
      expect(() => createTokenVerifier({ ...opts, issuer: 'https://login.example.com' })).not.toThrow();
      expect(() => createTokenVerifier({ ...opts, issuer: 'http://127.0.0.1:9000' })).not.toThrow();
      expect(() => createTokenVerifier({ ...opts, issuer: 'http://localhost:9000' })).not.toThrow();
      expect(() => createTokenVerifier({ ...opts, issuer: 'http://[::1]:9000' })).not.toThrow();
      expect(() => createTokenVerifier({ ...opts, issuer: 'https://a.example', discoveryUrl: 'http://a.example/d' })).toThrow(
        /discovery URL/,
      );
      expect(() => createTokenVerifier({ ...opts, issuer: 'https://a.example', algorithms: ['HS256'] })).toThrow(/HS256/);
    });

    test('a discovery document that names another issuer is not trusted, and says so', async () => {
      const verifier = verifierFor(provider, { issuer: `${provider.issuer}/` });
      const err = await verifier.verify(await provider.mint(provider.user('carol'))).catch((e: Error) => e);
      expect((err as Error).message).toContain(`names issuer "${provider.issuer}"`);
    });
  });
});
