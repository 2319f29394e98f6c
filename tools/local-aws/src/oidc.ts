import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { randomBytes } from 'node:crypto';
import type { Configuration, KoaContextWithOIDC } from 'oidc-provider';
import { errorPage, loginPage, logoutPage, signedOutPage } from './oidc/pages';
import { memoryStore } from './oidc/store';
import { newSigningKey, tokenMinter, type HostileKind, type MintOptions, type SigningJwk } from './oidc/tokens';
import { DEFAULT_SCOPE, refreshTokens, signInWithCode, type SignedIn, type TokenSet } from './oidc/sign-in';
import { claimsOf, TEST_USERS, type TestUser } from './oidc/users';

export { TEST_PASSWORD, TEST_USERS, claimsOf, type TestUser } from './oidc/users';
export { HOSTILE_KINDS, type HostileKind, type MintOptions, type TokenShape } from './oidc/tokens';
export { DEFAULT_SCOPE, type SignedIn, type TokenSet } from './oidc/sign-in';

export interface OidcProviderOptions {
  /** The public client (no secret, PKCE required). Default `chat-web`. */
  clientId?: string;
  /** Where the provider may send the browser back with a code; `setClient` changes them later. */
  redirectUris?: string[];
  postLogoutRedirectUris?: string[];
  /** Lifetimes in seconds: short ones test refresh and expiry. Defaults: tokens 300, refresh token 3600, session 3600. */
  ttl?: { idToken?: number; accessToken?: number; refreshToken?: number; session?: number };
  users?: readonly TestUser[];
  /** Default 0: a free port. A fixed one keeps the issuer URL the same across runs (local development). */
  port?: number;
}

/** How the issuer fails for outage tests: every request answered 503, or never answered at all. */
export type OidcOutage = 'error' | 'hang';

export interface OidcProvider {
  /** `http://127.0.0.1:<port>`: the `iss` of its tokens, and where discovery lives (`/.well-known/openid-configuration`). */
  readonly issuer: string;
  readonly port: number;
  readonly clientId: string;
  readonly jwksUri: string;
  readonly users: readonly TestUser[];
  /** A test user by login name; throws for an unknown one. */
  user(username: string): TestUser;
  setClient(client: { redirectUris?: string[]; postLogoutRedirectUris?: string[] }): void;
  /** A new signing key takes over; the old ones stay published (as in a real rotation). Returns the new `kid`. */
  rotateKeys(): string;
  /** The `kid` tokens are signed with now. */
  readonly signingKid: string;
  /** A token signed with the provider's current key, valid unless `opts` says otherwise. */
  mint(user: TestUser, opts?: MintOptions): Promise<string>;
  /** A token a verifier must refuse, wrong in exactly the way `kind` names. */
  hostile(kind: HostileKind, user: TestUser, opts?: MintOptions): Promise<string>;
  /** The real Authorization Code + PKCE flow, through the login page, without a browser. */
  signIn(username: string, opts?: { redirectUri?: string; scope?: string; password?: string }): Promise<SignedIn>;
  refresh(refreshToken: string): Promise<TokenSet>;
  /** How many requests reached a path (e.g. `/jwks`) since start. */
  requestCount(path: string): number;
  /** Simulates the issuer failing (`undefined` heals it). */
  outage(mode: OidcOutage | undefined): void;
  stop(): Promise<void>;
}

/** Loaded on first start: most users of this package (moto, Redis, HAProxy) never need oidc-provider and Koa. */
const loadProvider = () => (require('oidc-provider') as typeof import('oidc-provider')).default;

const PAGE_HEADERS = { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' };

async function formBody(req: http.IncomingMessage): Promise<URLSearchParams> {
  let body = '';
  for await (const chunk of req) {
    body += chunk;
    if (body.length > 10_000) throw new Error('form too large');
  }
  return new URLSearchParams(body);
}

/**
 * A real OpenID Connect provider (oidc-provider, the certified Node implementation) on a free 127.0.0.1 port, for
 * tests and local development: discovery and JWKS, Authorization Code + PKCE for one public client, refresh
 * tokens, a login page over the test users, RP-initiated logout, and token minting for the verifier's tests.
 */
export async function startOidcProvider(opts: OidcProviderOptions = {}): Promise<OidcProvider> {
  const clientId = opts.clientId ?? 'chat-web';
  const users = opts.users ?? TEST_USERS;
  const ttl = { idToken: 300, accessToken: 300, refreshToken: 3600, session: 3600, ...opts.ttl };
  let redirectUris = opts.redirectUris ?? ['http://127.0.0.1/callback'];
  let postLogoutRedirectUris = opts.postLogoutRedirectUris ?? [];
  const keys: SigningJwk[] = [newSigningKey()];
  const store = memoryStore();
  const cookieKeys = [randomBytes(32).toString('base64url')];
  const counts = new Map<string, number>();
  let outage: OidcOutage | undefined;
  const sockets = new Set<Socket>();

  const server = http.createServer();
  server.on('connection', (s) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', resolve);
  });
  const port = (server.address() as AddressInfo).port;
  const issuer = `http://127.0.0.1:${port}`;

  const configuration = (): Configuration => ({
    clients: [
      {
        client_id: clientId,
        token_endpoint_auth_method: 'none',
        application_type: 'web',
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        redirect_uris: redirectUris,
        post_logout_redirect_uris: postLogoutRedirectUris,
      },
    ],
    jwks: { keys: [...keys] },
    adapter: store,
    cookies: { keys: cookieKeys },
    findAccount: (_ctx, sub) => {
      const user = users.find((u) => u.sub === sub);
      return user && { accountId: sub, claims: () => claimsOf(user) as { sub: string } };
    },
    claims: {
      openid: ['sub'],
      profile: ['name', 'preferred_username'],
      email: ['email', 'email_verified'],
      groups: ['groups', 'cognito:groups'],
    },
    // The ID token carries the profile (the chat reads names and groups from it, as from Cognito's).
    conformIdTokenClaims: false,
    issueRefreshToken: (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    // A first-party client: what it asks for is granted without a consent screen.
    loadExistingGrant: async (ctx) => {
      const { oidc } = ctx;
      const grantId = oidc.result?.consent?.grantId ?? oidc.session!.grantIdFor(oidc.client!.clientId);
      const grant =
        (grantId ? await oidc.provider.Grant.find(grantId) : undefined) ??
        new oidc.provider.Grant({ clientId: oidc.client!.clientId, accountId: oidc.session!.accountId! });
      grant.addOIDCScope(String(oidc.params!['scope'] ?? 'openid'));
      await grant.save();
      return grant;
    },
    pkce: { required: () => true },
    ttl: {
      IdToken: ttl.idToken,
      AccessToken: ttl.accessToken,
      RefreshToken: ttl.refreshToken,
      Session: ttl.session,
      Grant: ttl.session,
      Interaction: 600,
      AuthorizationCode: 60,
    },
    features: {
      devInteractions: { enabled: false },
      revocation: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: (ctx: KoaContextWithOIDC, form: string) => {
          ctx.type = 'html';
          ctx.body = logoutPage(form);
        },
        postLogoutSuccessSource: (ctx: KoaContextWithOIDC) => {
          ctx.type = 'html';
          ctx.body = signedOutPage();
        },
      },
    },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    renderError: (ctx, out) => {
      ctx.type = 'html';
      ctx.body = errorPage(out);
    },
    // The web client's own origins may call the token endpoint from the browser.
    clientBasedCORS: (_ctx, origin, client) => client.redirectUris!.some((uri) => URL.parse(uri)?.origin === origin),
  });

  const Provider = loadProvider();
  let provider = new Provider(issuer, configuration());
  let callback = provider.callback();
  const rebuild = () => {
    provider = new Provider(issuer, configuration());
    callback = provider.callback();
  };

  async function interaction(req: http.IncomingMessage, res: http.ServerResponse, uid: string, action: string | undefined) {
    const details = await provider.interactionDetails(req, res);
    if (details.prompt.name !== 'login') {
      // Consent for scopes the grant lacks (loadExistingGrant grants what is asked, so this is rare): granted.
      const grant = new provider.Grant({ clientId, accountId: details.session!.accountId });
      const missing = details.prompt.details['missingOIDCScope'] as string[] | undefined;
      if (missing) grant.addOIDCScope(missing.join(' '));
      await provider.interactionFinished(req, res, { consent: { grantId: await grant.save() } }, { mergeWithLastSubmission: true });
      return;
    }
    const formAction = `/interaction/${uid}/login`;
    if (req.method === 'POST' && action === 'login') {
      const form = await formBody(req);
      const username = form.get('username') ?? '';
      const user = users.find((u) => u.username === username && u.password === form.get('password'));
      if (user) {
        await provider.interactionFinished(req, res, { login: { accountId: user.sub } }, { mergeWithLastSubmission: false });
        return;
      }
      res.writeHead(200, PAGE_HEADERS).end(loginPage({ action: formAction, clientId, username, error: 'Wrong user name or password.' }));
      return;
    }
    res.writeHead(200, PAGE_HEADERS).end(loginPage({ action: formAction, clientId }));
  }

  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    const path = new URL(req.url ?? '/', issuer).pathname;
    counts.set(path, (counts.get(path) ?? 0) + 1);
    if (outage === 'hang') return;
    if (outage === 'error') {
      res.writeHead(503, { 'content-type': 'application/json' }).end('{"error":"temporarily_unavailable"}');
      return;
    }
    const match = /^\/interaction\/([A-Za-z0-9_-]+)(?:\/([a-z]+))?$/.exec(path);
    if (!match) {
      void callback(req, res);
      return;
    }
    interaction(req, res, match[1]!, match[2]).catch((err: Error) => {
      if (!res.headersSent) res.writeHead(400, PAGE_HEADERS).end(errorPage({ error: err.message }));
    });
  });

  const signingKey = () => keys[0]!;
  const minter = tokenMinter({ issuer, clientId, signingKey });
  const user = (username: string) => {
    const found = users.find((u) => u.username === username);
    if (!found) throw new Error(`no test user "${username}" (there are ${users.map((u) => u.username).join(', ')})`);
    return found;
  };

  return {
    issuer,
    port,
    clientId,
    jwksUri: `${issuer}/jwks`,
    users,
    user,
    setClient(client) {
      redirectUris = client.redirectUris ?? redirectUris;
      postLogoutRedirectUris = client.postLogoutRedirectUris ?? postLogoutRedirectUris;
      rebuild();
    },
    rotateKeys() {
      keys.unshift(newSigningKey());
      rebuild();
      return signingKey().kid;
    },
    get signingKid() {
      return signingKey().kid;
    },
    mint: minter.mint,
    hostile: minter.hostile,
    signIn: (username, o = {}) =>
      signInWithCode({
        issuer,
        clientId,
        redirectUri: o.redirectUri ?? redirectUris[0]!,
        username,
        password: o.password ?? user(username).password,
        scope: o.scope ?? DEFAULT_SCOPE,
      }),
    refresh: (refreshToken) => refreshTokens({ issuer, clientId, refreshToken }),
    requestCount: (path) => counts.get(path) ?? 0,
    outage(mode) {
      outage = mode;
    },
    async stop() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
