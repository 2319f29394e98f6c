import type { Request, RequestHandler } from 'express';
import { keyedLimit, type LimitOutcome } from '../abuse-limits';

/**
 * Requests per client address per minute (Express's `req.ip`: the same X-Forwarded-For reading as
 * transport/client-address.ts for a numeric TRUST_PROXY).
 */
export function httpRateLimit(perMinute: number): RequestHandler {
  return limitedBy(keyedLimit(perMinute, 60), (req) => req.ip ?? 'unknown', `${perMinute} requests per minute`);
}

/**
 * A per-client-address limit as Express middleware: 429 `rate_limited` with Retry-After past it. `address`
 * is transport/client-address.ts's, the same key the socket limits use.
 */
export function limitedBy(
  consume: (address: string) => Promise<LimitOutcome>,
  address: (req: Request) => string,
  what: string,
): RequestHandler {
  return (req, res, next) => {
    consume(address(req)).then((outcome) => {
      if (outcome.ok) return next();
      res
        .status(429)
        .set('Retry-After', String(outcome.retryInSeconds))
        .json({ error: { code: 'rate_limited', message: `at most ${what}; retry in ${outcome.retryInSeconds} s` } });
    }, next);
  };
}
