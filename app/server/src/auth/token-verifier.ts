import { jwtVerify, type JWTPayload } from 'jose';
import { AuthError, type AuthFailure } from './errors';
import { fetchIssuerMetadata, type IssuerMetadata } from './discovery';
import { keyCache, type KeyCacheOptions } from './key-cache';
import { secureUrl } from './secure-url';

/** Asymmetric signatures only: a shared-secret (HS*) or unsigned (`none`) token is never an issuer's. */
export const ALLOWED_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'] as const;

/** Tokens are small; a megabyte "token" is someone's attempt to make the server parse it. */
const MAX_TOKEN_LENGTH = 16 * 1024;

export interface TokenVerifierOptions {
  /** The `iss` tokens must carry: `https://`, or `http://` on loopback. */
  issuer: string;
  /** The client id: an ID token's `aud`, a Cognito access token's `client_id`. */
  audience: string;
  /** Where the discovery document is; default `<issuer>/.well-known/openid-configuration`. */
  discoveryUrl?: string;
  /** Allowed signing algorithms; further narrowed to those the issuer's discovery document lists. */
  algorithms?: readonly string[];
  /** Slack for clocks that disagree, on `exp` and `nbf`. Default 30 s. */
  clockToleranceSeconds?: number;
  /** Timeout of each request to the issuer. Default 5 s. */
  timeoutMs?: number;
  keyMaxAgeMs?: number;
  keyRefreshCooldownMs?: number;
  /** After the issuer failed to answer, how long until it is asked again. Default 5 s. */
  retryAfterMs?: number;
}

/** A token that passed every check. */
export interface VerifiedToken {
  claims: JWTPayload & { sub: string; exp: number; iss: string };
  /** `id`: an ID token (its `aud` is the client); `access`: a Cognito access token (its `client_id` is). */
  use: 'id' | 'access';
}

export interface TokenVerifier {
  /** Resolves with the token's claims, or rejects with an `AuthError` saying why not. Takes whatever a client sent. */
  verify(token: unknown): Promise<VerifiedToken>;
  /** Fetch the issuer's metadata and keys now, e.g. at start-up, so the first sign-in does not wait for them. */
  warmUp(): Promise<void>;
}

const JOSE_FAILURES: Record<string, AuthFailure> = {
  ERR_JWT_EXPIRED: 'expired',
  ERR_JOSE_ALG_NOT_ALLOWED: 'algorithm',
  ERR_JOSE_NOT_SUPPORTED: 'algorithm',
  ERR_JWS_SIGNATURE_VERIFICATION_FAILED: 'bad_signature',
  ERR_JWKS_NO_MATCHING_KEY: 'unknown_key',
  ERR_JWKS_MULTIPLE_MATCHING_KEYS: 'unknown_key',
  ERR_JWS_INVALID: 'malformed',
  ERR_JWT_INVALID: 'malformed',
  ERR_JWK_INVALID: 'unknown_key',
};

const CLAIM_FAILURES: Record<string, AuthFailure> = { nbf: 'not_yet_valid', iss: 'wrong_issuer', exp: 'expired' };

/** jose's refusals as ours; anything else is no verdict on the token (a bug) and goes up as it is. */
function refusal(err: unknown): unknown {
  if (err instanceof AuthError) return err;
  const { code, claim, reason: why, message } = err as { code?: string; claim?: string; reason?: string; message?: string };
  if (code === 'ERR_JWT_CLAIM_VALIDATION_FAILED') {
    // A claim that failed its check says what is wrong; one that is missing or not a number is a bad token.
    return new AuthError((why === 'check_failed' && CLAIM_FAILURES[claim ?? '']) || 'claims', message);
  }
  const reason = code ? JOSE_FAILURES[code] : undefined;
  return reason ? new AuthError(reason) : err;
}

/**
 * Which client the token was issued to. An ID token names it in `aud` (and, when it has several audiences, in
 * `azp`); a Cognito access token has no `aud` but `client_id` and `token_use: access`. Cognito's ID tokens say
 * `token_use: id`; a token that says it is for something else is refused.
 */
function tokenUse(claims: JWTPayload, audience: string): VerifiedToken['use'] {
  if (claims.aud !== undefined) {
    const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    if (!audiences.includes(audience)) throw new AuthError('wrong_audience');
    if (claims['azp'] !== undefined && claims['azp'] !== audience) throw new AuthError('wrong_audience', 'azp');
    if (claims['token_use'] !== undefined && claims['token_use'] !== 'id') throw new AuthError('claims', 'token_use');
    return 'id';
  }
  if (claims['client_id'] === undefined) throw new AuthError('wrong_audience', 'no aud or client_id');
  if (claims['client_id'] !== audience) throw new AuthError('wrong_audience');
  if (claims['token_use'] !== 'access') throw new AuthError('claims', 'token_use');
  return 'access';
}

/**
 * Verifies OpenID Connect tokens with jose against the issuer's discovery document and published keys: signature,
 * algorithm allow-list, `iss`, `exp`, `nbf` (with a small clock tolerance), the client as audience, a `sub`.
 * Metadata is fetched once (again after a failure, at most every `retryAfterMs`); keys as `keyCache` says.
 */
export function createTokenVerifier(opts: TokenVerifierOptions): TokenVerifier {
  secureUrl(opts.issuer, 'the issuer');
  // Compared as a string, exactly: `https://x/` and `https://x` are different issuers to OpenID Connect.
  const issuer = opts.issuer;
  const discoveryUrl = secureUrl(
    opts.discoveryUrl ?? `${opts.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`,
    'the discovery URL',
  );
  const timeoutMs = opts.timeoutMs ?? 5000;
  const retryAfterMs = opts.retryAfterMs ?? 5000;
  const allowed = opts.algorithms ?? ALLOWED_ALGORITHMS;
  const unsafe = allowed.filter((a) => !(ALLOWED_ALGORITHMS as readonly string[]).includes(a));
  if (unsafe.length) throw new Error(`algorithms not allowed for tokens: ${unsafe.join(', ')}`);

  let metadata: IssuerMetadata | undefined;
  let pending: Promise<IssuerMetadata> | undefined;
  let failedAt = -Infinity;
  let lastFailure = '';

  const loadMetadata = async (): Promise<IssuerMetadata> => {
    if (metadata) return metadata;
    if (!pending && Date.now() - failedAt < retryAfterMs) {
      throw new AuthError('issuer_unavailable', `discovery: ${lastFailure}`);
    }
    pending ??= fetchIssuerMetadata(discoveryUrl, issuer, timeoutMs)
      .then((m) => (metadata = m))
      .catch((err: Error) => {
        failedAt = Date.now();
        lastFailure = err.message;
        throw new AuthError('issuer_unavailable', `discovery: ${err.message}`);
      })
      .finally(() => {
        pending = undefined;
      });
    return pending;
  };

  const keyOptions: KeyCacheOptions = {
    timeoutMs,
    maxAgeMs: opts.keyMaxAgeMs ?? 10 * 60_000,
    refreshCooldownMs: opts.keyRefreshCooldownMs ?? 10_000,
    retryAfterMs,
  };
  const keys = keyCache(async () => (await loadMetadata()).jwksUri, keyOptions);

  const algorithmsFor = (m: IssuerMetadata) => {
    const narrowed = m.signingAlgorithms ? allowed.filter((a) => m.signingAlgorithms!.includes(a)) : allowed;
    return narrowed.length ? narrowed : allowed;
  };

  async function verify(token: unknown): Promise<VerifiedToken> {
    if (token === undefined || token === '') throw new AuthError('missing');
    if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH || token.split('.').length !== 3) {
      throw new AuthError('malformed');
    }
    const meta = await loadMetadata();
    try {
      const { payload } = await jwtVerify(token, keys.getKey, {
        issuer,
        algorithms: [...algorithmsFor(meta)],
        clockTolerance: opts.clockToleranceSeconds ?? 30,
        requiredClaims: ['sub', 'exp'],
      });
      if (typeof payload.sub !== 'string' || payload.sub === '') throw new AuthError('claims', 'sub');
      return { claims: payload as VerifiedToken['claims'], use: tokenUse(payload, opts.audience) };
    } catch (err) {
      throw refusal(err);
    }
  }

  return {
    verify,
    async warmUp() {
      await loadMetadata();
      await keys.load();
    },
  };
}
