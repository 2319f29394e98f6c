import type { Backends } from '../../ports';
import { TimeoutError, withTimeout } from '../../util/timeout';

const READY_TIMEOUT_MS = 2000;

export interface Readiness {
  ok: boolean;
  mode: Backends['mode'];
  checks: Record<string, string>;
}

/**
 * The backends' readiness, asked at most once per `cacheMs`: every /readyz in between (and any asked while a
 * check runs) shares that answer, so a flood of /readyz can never become a flood of AWS calls.
 */
export function readinessCheck(
  backends: Backends,
  cacheMs: number,
  /** More dependencies to check (the servers' Redis when scaled out). */
  extraChecks: Record<string, { ping(): Promise<void> }> = {},
): () => Promise<Readiness> {
  let last: { at: number; answer: Promise<Readiness> } | undefined;
  const check = async (): Promise<Readiness> => {
    const ports = { queue: backends.queue, store: backends.store, uploads: backends.uploads, ...extraChecks };
    const results = await Promise.all(
      Object.entries(ports).map(([name, port]) =>
        withTimeout(port.ping(), READY_TIMEOUT_MS, name).then(
          () => [name, 'ok'] as const,
          (err: Error) => [name, err instanceof TimeoutError ? 'timeout' : err.name || 'error'] as const,
        ),
      ),
    );
    return { ok: results.every(([, r]) => r === 'ok'), mode: backends.mode, checks: Object.fromEntries(results) };
  };
  return () => {
    const now = Date.now();
    // Measured from when the check started, so a slow backend does not stretch the cache.
    if (!last || now - last.at >= cacheMs) last = { at: now, answer: check() };
    return last.answer;
  };
}
