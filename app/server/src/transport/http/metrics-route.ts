import type { RequestHandler } from 'express';
import type { ChatMetrics } from '../../metrics';
import { fromLoopback } from '../client-address';
import { tokenMatches } from './moderation';

/**
 * `GET /metrics` in Prometheus text: to a client on this host (the CloudWatch agent), or to anyone presenting
 * `Authorization: Bearer <METRICS_TOKEN>` (compared in constant time). Anyone else gets 403, nothing more.
 */
export function metricsRoute(metrics: ChatMetrics, token: string | undefined): RequestHandler {
  return async (req, res, next) => {
    const bearer = /^Bearer +(\S+) *$/i.exec(req.headers.authorization ?? '')?.[1];
    const tokenOk = token !== undefined && bearer !== undefined && tokenMatches(bearer, token);
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
