import type { RequestHandler } from 'express';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';

/**
 * Requests per client address per minute: reads and upload URLs cost the backends (a DynamoDB query, an S3
 * signature, a disk write in embedded mode), so one client cannot spend them for everyone.
 */
export function httpRateLimit(perMinute: number): RequestHandler {
  const limiter = new RateLimiterMemory({ points: perMinute, duration: 60 });
  return (req, res, next) => {
    limiter.consume(req.ip ?? 'unknown').then(
      () => next(),
      (rejection: unknown) => {
        const wait = rejection instanceof RateLimiterRes ? Math.ceil(rejection.msBeforeNext / 1000) : 60;
        res
          .status(429)
          .set('Retry-After', String(wait))
          .json({ error: { code: 'rate_limited', message: `at most ${perMinute} requests per minute; retry in ${wait} s` } });
      },
    );
  };
}
