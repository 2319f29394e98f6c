import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Redis } from 'ioredis';

export type LimitOutcome = { ok: true } | { ok: false; retryInSeconds: number };

/** `points` per `durationSeconds` per key, charged in units (a message's write units, one request). */
export interface UnitLimit {
  take(key: string, units?: number): Promise<LimitOutcome>;
  /** Hand back units taken for something that then did not happen (another budget refused it). */
  give(key: string, units: number): Promise<void>;
  /** Charge units after the fact (a read whose size is known only once read); never refuses. */
  charge(key: string, units: number): Promise<void>;
}

/** Where limits keep their counters: this process, or Redis shared by every server. */
export interface Limiters {
  /** `name` keeps different limits' counters apart in a shared store. */
  make(name: string, points: number, durationSeconds: number): UnitLimit;
}

function unitLimit(limiter: RateLimiterAbstract): UnitLimit {
  return {
    take: (key, units = 1) =>
      limiter.consume(key, units).then(
        () => ({ ok: true }) as const,
        (rejection: unknown) => {
          if (!(rejection instanceof RateLimiterRes)) throw rejection;
          return { ok: false, retryInSeconds: Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)) } as const;
        },
      ),
    give: (key, units) => limiter.reward(key, units).then(() => undefined),
    charge: (key, units) => limiter.penalty(key, units).then(() => undefined),
  };
}

/** Counters in this process: right for one server, and for what is per socket (a socket lives on one server). */
export const memoryLimiters: Limiters = {
  make: (_name, points, duration) => unitLimit(new RateLimiterMemory({ points, duration })),
};

/**
 * Counters in the servers' Redis, so N servers enforce one budget, not N. While Redis is away each server falls back
 * to its own in-memory counter (the insurance limiter) at once rather than wait: a limit that blocks on Redis would
 * turn a Redis outage into a chat outage.
 */
export function redisLimiters(client: Redis): Limiters {
  return {
    make: (name, points, duration) =>
      unitLimit(
        new RateLimiterRedis({
          storeClient: client,
          keyPrefix: `chat-limit:${name}`,
          points,
          duration,
          rejectIfRedisNotReady: true,
          insuranceLimiter: new RateLimiterMemory({ points, duration }),
        }),
      ),
  };
}
