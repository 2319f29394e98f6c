import type { Request, RequestHandler } from 'express';
import type { ChatMetrics } from '../../metrics';
import { fromLoopback } from '../client-address';
import { tokenMatches } from '../../util/token-matches';

/** A request from this host, or one presenting `Authorization: Bearer <METRICS_TOKEN>` (compared in constant time). */
export function fromOperator(req: Request, token: string | undefined): boolean {
  const bearer = /^Bearer +(\S+) *$/i.exec(req.headers.authorization ?? '')?.[1];
  const tokenOk = token !== undefined && bearer !== undefined && tokenMatches(bearer, token);
  return tokenOk || fromLoopback(req);
}

/**
 * `GET /metrics` in Prometheus text: to a client on this host (the CloudWatch agent), or to anyone presenting
 * `Authorization: Bearer <METRICS_TOKEN>` (fromOperator). Anyone else gets 403, nothing more.
 */
export function metricsRoute(metrics: ChatMetrics, token: string | undefined): RequestHandler {
  return async (req, res, next) => {
    if (!fromOperator(req, token)) {
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
