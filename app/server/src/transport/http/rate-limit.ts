import type { Request, RequestHandler } from 'express';
import type { LimitOutcome } from '../abuse-limits';

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
