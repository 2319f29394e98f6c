import { createLocalJWKSet, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';
import { AuthError } from './errors';
import { fetchJson } from './fetch-json';

export interface KeyCacheOptions {
  /** How long one fetch of the key set may take. */
  timeoutMs: number;
  /** Keys older than this are refreshed in the background, and used meanwhile. */
  maxAgeMs: number;
  /** A token with an unknown `kid` fetches the key set again at most once per this long: a flood of made-up kids costs the issuer one request. */
  refreshCooldownMs: number;
  /** After a failed fetch, the next try waits this long (an issuer that is down is not asked on every request). */
  retryAfterMs: number;
}

export interface KeyCache {
  /** For jose's `jwtVerify`: the issuer's key for a token's header. Throws `AuthError` when there is none. */
  getKey: JWTVerifyGetKey;
  /** Fetch now (start-up); rejects with `AuthError` `issuer_unavailable`. */
  load(): Promise<void>;
}

/**
 * The issuer's published keys, fetched from its key set URL and selected by jose (`createLocalJWKSet`: kid, alg,
 * key type). Unlike jose's remote key set, known keys keep working while the issuer is unreachable, and failed
 * fetches are spaced out too, not only successful ones.
 */
export function keyCache(jwksUri: () => Promise<URL>, opts: KeyCacheOptions): KeyCache {
  let keys: ReturnType<typeof createLocalJWKSet> | undefined;
  let fetchedAt = -Infinity;
  let attemptedAt = -Infinity;
  let failed = false;
  let pending: Promise<void> | undefined;

  const load = (): Promise<void> =>
    (pending ??= (async () => {
      attemptedAt = Date.now();
      try {
        const json = await fetchJson(await jwksUri(), opts.timeoutMs);
        keys = createLocalJWKSet(json as JSONWebKeySet);
        fetchedAt = Date.now();
        failed = false;
      } catch (err) {
        failed = true;
        if (err instanceof AuthError) throw err;
        throw new AuthError('issuer_unavailable', `key set: ${(err as Error).message}`);
      } finally {
        pending = undefined;
      }
    })());

  const mayFetch = () => Date.now() - attemptedAt >= (failed ? opts.retryAfterMs : opts.refreshCooldownMs);

  const getKey: JWTVerifyGetKey = async (header, token) => {
    if (!keys) {
      if (!pending && failed && Date.now() - attemptedAt < opts.retryAfterMs) {
        throw new AuthError('issuer_unavailable', 'key set: the last fetch failed, retrying shortly');
      }
      await load();
    } else if (Date.now() - fetchedAt >= opts.maxAgeMs && !pending && mayFetch()) {
      load().catch(() => undefined); // stale keys serve until fresh ones arrive
    }
    try {
      return await keys!(header, token);
    } catch (err) {
      if ((err as { code?: string }).code !== 'ERR_JWKS_NO_MATCHING_KEY') throw err;
      // A kid we do not know: a key the issuer rotated in since, or a forgery. Ask the issuer, at most once a cooldown.
      if (pending) await pending;
      else if (mayFetch()) await load();
      else throw new AuthError('unknown_key', `kid ${JSON.stringify(header.kid ?? null)}`);
      try {
        return await keys!(header, token);
      } catch (again) {
        if ((again as { code?: string }).code === 'ERR_JWKS_NO_MATCHING_KEY') {
          throw new AuthError('unknown_key', `kid ${JSON.stringify(header.kid ?? null)}`);
        }
        throw again;
      }
    }
  };

  return { getKey, load };
}
