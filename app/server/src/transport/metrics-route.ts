import crypto from 'node:crypto';
import type { RequestHandler } from 'express';
import type { ChatMetrics } from '../metrics';
import { fromLoopback } from './client-address';

const digest = (s: string) => crypto.createHash('sha256').update(s).digest();

/**
 * `GET /metrics` in Prometheus text: to a client on this host (the CloudWatch agent), or to anyone presenting
 * `Authorization: Bearer <METRICS_TOKEN>` (compared in constant time). Anyone else gets 403, nothing more.
 */
export function metricsRoute(metrics: ChatMetrics, token: string | undefined): RequestHandler {
  const expected = token === undefined ? undefined : digest(token);
  return async (req, res, next) => {
    const auth = /^Bearer (.+)$/.exec(req.headers.authorization ?? '');
    const tokenOk = expected !== undefined && auth !== null && crypto.timingSafeEqual(digest(auth[1]!), expected);
    if (!tokenOk && !fromLoopback(req)) {
      res.status(403).json({ error: { code: 'invalid', message: 'metrics are served to this host only, or with METRICS_TOKEN' } });
      return;
    }
    try {
      const body = await metrics.registry.metrics();
      res.set({ 'Content-Type': metrics.registry.contentType, 'Cache-Control': 'no-store' }).send(body);
    } catch (err) {
      next(err);
    }
  };
}
