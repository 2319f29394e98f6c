import type { Logger } from '../logger';
import { UnwritableMessage } from '../ports';
import { backoffDelay, sleep } from '../util/backoff';

/** The server is stopping: the work is abandoned (its messages go back to the queue). */
export class Stopped extends Error {
  override name = 'Stopped';
}

/**
 * Only a message that can never be written is permanent: retrying cannot help, so it is left for the dead-letter
 * queue. Everything else — throttling, expired or missing credentials, AccessDenied while IAM propagates,
 * ResourceNotFound while a table is created, 5xx, timeouts, a dropped network — heals by waiting.
 */
export function isPermanent(err: unknown): boolean {
  if (err instanceof UnwritableMessage) return true;
  const e = err as { name?: string; message?: string };
  // An adapter that did not translate it: DynamoDB's own words for an item over 400 KB.
  return e?.name === 'ValidationException' && /item size|too large/i.test(e.message ?? '');
}

export interface RetryOptions {
  baseMs?: number;
  capMs?: number;
}

/**
 * Runs a backend call until it works: transient failures are retried with capped, jittered backoff for as long as
 * they last; a permanent one is thrown at once; `signal` (the server stopping) ends the wait with `Stopped`.
 */
export class RetryPolicy {
  private readonly baseMs: number;
  private readonly capMs: number;

  constructor(
    private readonly signal: AbortSignal,
    private readonly log: Logger,
    opts: RetryOptions = {},
  ) {
    this.baseMs = opts.baseMs ?? 100;
    this.capMs = opts.capMs ?? 5000;
  }

  async run<T>(what: string, fn: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      if (this.signal.aborted) throw new Stopped(what);
      try {
        return await fn();
      } catch (err) {
        if (isPermanent(err)) throw err;
        if (this.signal.aborted) throw new Stopped(what);
        // One line at first, then every tenth: an outage of minutes must not flood the log.
        if (attempt === 1 || attempt % 10 === 0) this.log.warn({ err, attempt }, `${what} failed; retrying`);
        await this.pause(attempt);
      }
    }
  }

  /** Wait before attempt `attempt + 1` (or until the server stops). */
  pause(attempt: number): Promise<void> {
    return sleep(backoffDelay(attempt, this.baseMs, this.capMs), this.signal);
  }
}
