import { randomUUID, generateKeyPairSync } from 'node:crypto';
import { SignJWT, base64url, decodeJwt, importJWK, type JWK } from 'jose';
import { claimsOf, type TestUser } from './users';

/** A private signing key in JWK form with its `kid`, as oidc-provider takes them. */
export type SigningJwk = JWK & { kid: string; alg: 'RS256' };

export function newSigningKey(): SigningJwk {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { ...(privateKey.export({ format: 'jwk' }) as JWK), kid: randomUUID(), alg: 'RS256', use: 'sig' };
}

/**
 * The shapes tokens come in: an OpenID Connect ID token (`aud` = the client), and Cognito's ID token (`token_use`
 * `id`, `cognito:username`) and access token (no `aud`: `client_id`, `token_use` `access`, `username`, `scope`).
 */
export type TokenShape = 'id' | 'cognito-id' | 'cognito-access';

export interface MintOptions {
  shape?: TokenShape;
  /** Seconds from now; negative mints a token that has already expired. Default 300. */
  expiresIn?: number;
  /** Seconds from now for `nbf`; absent, no `nbf`. */
  notBefore?: number;
  /** Seconds from now for `iat`; default 0. */
  issuedAt?: number;
  audience?: string;
  issuer?: string;
  /** Extra claims, or `undefined` values to remove one. */
  claims?: Record<string, unknown>;
  /** `kid` in the header; default the signing key's. */
  kid?: string;
}

/** Tokens a verifier must refuse, each wrong in one way only. */
export type HostileKind =
  'expired' | 'not-yet-valid' | 'wrong-audience' | 'other-issuer' | 'other-key' | 'unknown-kid' | 'alg-none' | 'tampered';

export const HOSTILE_KINDS: readonly HostileKind[] = [
  'expired',
  'not-yet-valid',
  'wrong-audience',
  'other-issuer',
  'other-key',
  'unknown-kid',
  'alg-none',
  'tampered',
];

export interface TokenMinter {
  /** A token signed with the provider's current key: valid unless the options say otherwise. */
  mint(user: TestUser, opts?: MintOptions): Promise<string>;
  hostile(kind: HostileKind, user: TestUser, opts?: MintOptions): Promise<string>;
}

const now = () => Math.floor(Date.now() / 1000);

/** Mints tokens directly (no browser, no code flow) for tests of the verifier's every rule. */
export function tokenMinter(ctx: { issuer: string; clientId: string; signingKey: () => SigningJwk }): TokenMinter {
  let stranger: SigningJwk | undefined;
  const strangerKey = () => (stranger ??= newSigningKey());

  function payloadFor(user: TestUser, opts: MintOptions): Record<string, unknown> {
    const shape = opts.shape ?? 'id';
    const t = now();
    const base: Record<string, unknown> = {
      iss: opts.issuer ?? ctx.issuer,
      iat: t + (opts.issuedAt ?? 0),
      auth_time: t,
      exp: t + (opts.expiresIn ?? 300),
      jti: randomUUID(),
      ...(opts.notBefore !== undefined && { nbf: t + opts.notBefore }),
    };
    const audience = opts.audience ?? ctx.clientId;
    const byShape: Record<TokenShape, Record<string, unknown>> = {
      id: { ...claimsOf(user), aud: audience },
      'cognito-id': { ...claimsOf(user), aud: audience, token_use: 'id', 'cognito:username': user.username },
      'cognito-access': {
        sub: user.sub,
        client_id: audience,
        token_use: 'access',
        scope: 'openid profile email',
        username: user.username,
        'cognito:groups': user.groups,
      },
    };
    const payload: Record<string, unknown> = { ...base, ...byShape[shape], ...opts.claims };
    for (const [k, v] of Object.entries(payload)) if (v === undefined) delete payload[k];
    return payload;
  }

  async function sign(payload: Record<string, unknown>, key: SigningJwk, kid: string): Promise<string> {
    return new SignJWT(payload).setProtectedHeader({ alg: key.alg, kid, typ: 'JWT' }).sign(await importJWK(key, key.alg));
  }

  const mint: TokenMinter['mint'] = (user, opts = {}) => {
    const key = ctx.signingKey();
    return sign(payloadFor(user, opts), key, opts.kid ?? key.kid);
  };

  async function hostile(kind: HostileKind, user: TestUser, opts: MintOptions = {}): Promise<string> {
    switch (kind) {
      case 'expired':
        return mint(user, { ...opts, issuedAt: -3600, expiresIn: -600 });
      case 'not-yet-valid':
        return mint(user, { ...opts, notBefore: 600 });
      case 'wrong-audience':
        return mint(user, { ...opts, audience: 'someone-elses-client' });
      case 'other-issuer':
        return mint(user, { ...opts, issuer: 'https://issuer.example.com' });
      case 'other-key':
        // Claims to be the provider's key (its kid), so the verifier picks that key and the signature fails.
        return sign(payloadFor(user, opts), strangerKey(), ctx.signingKey().kid);
      case 'unknown-kid':
        return sign(payloadFor(user, opts), strangerKey(), `unknown-${randomUUID()}`);
      case 'alg-none': {
        const header = { alg: 'none', typ: 'JWT', kid: ctx.signingKey().kid };
        const enc = (o: object) => base64url.encode(JSON.stringify(o));
        return `${enc(header)}.${enc(payloadFor(user, opts))}.`;
      }
      case 'tampered': {
        // A genuine token whose payload was rewritten afterwards: another name and groups, the old signature.
        const genuine = await mint(user, opts);
        const [header, , signature] = genuine.split('.');
        const payload = { ...decodeJwt(genuine), name: 'Someone Else', groups: ['admin'], 'cognito:groups': ['admin'] };
        return `${header}.${base64url.encode(JSON.stringify(payload))}.${signature}`;
      }
    }
  }

  return { mint, hostile };
}
