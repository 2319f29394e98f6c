import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import helmet from 'helmet';
import compression from 'compression';
import cors from 'cors';
import { IMAGE_CONTENT_TYPES, IMAGE_KEY_PATTERN, PROTOCOL_VERSION, type ErrorBody, type WebConfig } from '@chat/protocol';
import type { Config } from '../config';
import type { Logger } from '../logger';
import type { Backends } from '../ports';
import { readHistory } from '../chat/history';
import { createUploadUrl } from '../chat/upload-url';
import type { ChatMetrics } from '../metrics';
import { TimeoutError, withTimeout } from '../util/timeout';
import { serveWeb } from './web';
import { hostAllowed } from './loopback-host';
import { limitedBy } from './http-rate-limit';
import { keyedLimit, type AddressLimits } from './abuse-limits';
import { clientAddress } from './client-address';
import { metricsRoute } from './metrics-route';
import { readinessCheck } from './ready-check';
import { sendError } from './http-error';
import { moderatorRoutes } from './moderation';
import type { DeleteMessage } from '../chat/delete-message';

type Outcome<T> = { ok: true; value: T } | { ok: false; error: ErrorBody };

/** A use case's outcome as an HTTP answer: its value, or its error with the matching status; never cached. */
const answer =
  <T>(useCase: (query: unknown) => Promise<Outcome<T>>): RequestHandler =>
  async (req, res, next) => {
    try {
      const result = await useCase(req.query);
      if (!result.ok) return void sendError(res, result.error);
      res.set('Cache-Control', 'no-store').json(result.value);
    } catch (err) {
      next(err);
    }
  };

/** The HTTP half of the protocol, plus health, images and the web app. */
export function createHttpApp(
  config: Config,
  backends: Backends,
  log: Logger,
  /**
   * Issue 12: the delete use case, for the moderator route. Issue 13: per-address limits and metrics.
   * Issue 10: more dependencies /readyz checks (the servers' Redis when scaled out).
   */
  chat: { deletes?: DeleteMessage; limits: AddressLimits; metrics: ChatMetrics; readyChecks?: Record<string, { ping(): Promise<void> }> },
): express.Express {
  const app = express();
  const addressOf = (req: express.Request) => clientAddress(req, config.trustProxy);
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.set('trust proxy', config.trustProxy);
  app.use((req, res, next) => {
    if (hostAllowed(config.host, req)) return next();
    res.status(421).json({ error: { code: 'invalid', message: 'this server answers only to its loopback address' } });
  });
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          // Only where the site really is https: on plain http (a LAN address) the upgrade would break its own assets.
          'upgrade-insecure-requests': config.publicUrl?.startsWith('https:') ? [] : null,
          'img-src': ["'self'", 'data:', 'blob:', ...backends.uploads.origins()],
          'connect-src': ["'self'", ...backends.uploads.origins(), ...config.corsOrigins],
        },
      },
      // Images may be shown by the web app on another origin (the S3 website calling the EC2 API).
      crossOriginResourcePolicy: { policy: config.corsOrigins.length > 0 ? 'cross-origin' : 'same-origin' },
    }),
  );
  // The web app's bundle is ~400 kB raw, ~120 kB gzipped; Socket.IO has its own per-message compression.
  app.use(compression());
  // No CORS headers unless origins are configured: same origin only by default.
  if (config.corsOrigins.length > 0) app.use(cors({ origin: config.corsOrigins, maxAge: 600 }));

  app.get('/healthz', (_req, res) => {
    res.json({ ok: true });
  });

  const readiness = readinessCheck(backends, config.readyCacheMs, chat.readyChecks);
  app.get('/readyz', async (_req, res, next) => {
    try {
      const r = await readiness();
      res
        .status(r.ok ? 200 : 503)
        .set('Cache-Control', 'no-store')
        .json(r);
    } catch (err) {
      next(err);
    }
  });

  app.get('/metrics', metricsRoute(chat.metrics, config.metricsToken));

  const perMinute = keyedLimit(config.httpRateLimitPerMinute, 60);
  const requests = (a: string) => (chat.limits.exempt(a) ? Promise.resolve({ ok: true } as const) : perMinute(a));
  app.use(['/history', '/upload-url', '/uploads'], limitedBy(requests, addressOf, `${config.httpRateLimitPerMinute} requests per minute`));
  // Each upload URL lets a client store up to MAX_UPLOAD_BYTES: far fewer of those than reads.
  app.use(
    '/upload-url',
    limitedBy((a) => chat.limits.uploadUrl(a), addressOf, `${config.abuse.uploadUrlsPerHour} upload URLs per hour`),
  );

  app.get(
    '/history',
    answer((query) => readHistory(backends.store, query, config.publicUrl, config.backendTimeoutMs)),
  );
  app.get(
    '/upload-url',
    answer((query) => createUploadUrl(backends.uploads, query, config.maxUploadBytes, config.backendTimeoutMs)),
  );

  if (chat.deletes) app.use(moderatorRoutes(config, chat.deletes));

  app.get('/images/*key', async (req, res, next) => {
    const key = (req.params as { key: string[] }).key.join('/');
    if (!IMAGE_KEY_PATTERN.test(key)) return void sendError(res, { code: 'not_found', message: 'no such image' });
    try {
      const image = await withTimeout(backends.uploads.image(key), config.backendTimeoutMs, 'uploads');
      if (image.kind === 'missing') return void sendError(res, { code: 'not_found', message: 'no such image' });
      if (image.kind === 'redirect') {
        res.set('Cache-Control', 'private, max-age=300').redirect(302, image.url);
        return;
      }
      // Keys are never reused, so an image never changes. The CSP sandbox keeps a hostile file inert.
      res.set({
        'Content-Type': image.contentType,
        'Cache-Control': 'public, max-age=31536000, immutable',
        'Content-Security-Policy': "default-src 'none'; sandbox",
      });
      res.sendFile(image.path);
    } catch (err) {
      next(err);
    }
  });

  if (backends.routes) app.use(backends.routes);

  app.get('/config.json', (_req, res) => {
    const body: WebConfig = {
      apiUrl: '',
      maxUploadBytes: config.maxUploadBytes,
      imageTypes: IMAGE_CONTENT_TYPES,
      protocolVersion: PROTOCOL_VERSION,
    };
    res.set('Cache-Control', 'no-cache').json(body);
  });

  serveWeb(app, config.webDir);

  app.use((_req, res) => {
    sendError(res, { code: 'not_found', message: 'not found' });
  });

  const onError: ErrorRequestHandler = (err, req, res, _next) => {
    if (res.headersSent || req.destroyed) return void res.end();
    if (err instanceof TimeoutError) {
      log.warn({ err, path: req.path }, 'backend timeout');
      return void sendError(res, { code: 'unavailable', message: 'the chat backend is not answering; try again' });
    }
    // Errors Express and its middleware raise for the request itself (bad JSON, a file gone) keep their status.
    const status = (err as { status?: number; statusCode?: number }).status ?? (err as { statusCode?: number }).statusCode;
    if (status && status >= 400 && status < 500) {
      return void res.status(status).json({ error: { code: status === 404 ? 'not_found' : 'invalid', message: (err as Error).message } });
    }
    log.error({ err, path: req.path }, 'request failed');
    // A backend error (throttling, network) is the backend's unavailability, not the client's fault.
    sendError(res, { code: 'unavailable', message: 'the chat backend failed; try again' });
  };
  app.use(onError);
  return app;
}
