import express, { type RequestHandler } from 'express';
import { IMAGE_KEY_PATTERN, type ErrorBody } from '@chat/protocol';
import type { Config } from '../../config';
import type { Backends } from '../../ports';
import type { DeleteMessage } from '../../chat/delete-message';
import type { History } from '../../chat/history';
import { createUploadUrl } from '../../chat/upload-url';
import type { ChatMetrics } from '../../metrics';
import { withTimeout } from '../../util/timeout';
import type { Authenticator } from '../../auth';
import type { SignedImageLinks } from '../../chat/image-links';
import type { RoomAccess } from '../../chat/room-access';
import type { Logger } from '../../logger';
import type { SignedInUser } from '../sockets/identity';
import { requireSignIn } from './sign-in';
import type { AddressLimits } from '../abuse-limits';
import { clientAddress } from '../client-address';
import { sendError } from './errors';
import { fromOperator, metricsRoute } from './metrics-route';
import { moderatorRoutes } from './moderation';
import { limitedBy } from './rate-limit';
import { readinessCheck } from './ready-check';

type Outcome<T> = { ok: true; value: T } | { ok: false; error: ErrorBody };

/** A use case's outcome as an HTTP answer: its value, or its error with the matching status; never cached. */
const answer =
  <T>(useCase: (query: unknown, user: SignedInUser | undefined) => Promise<Outcome<T>>): RequestHandler =>
  async (req, res, next) => {
    try {
      const result = await useCase(req.query, res.locals['user'] as SignedInUser | undefined);
      if (!result.ok) return void sendError(res, result.error);
      res.set('Cache-Control', 'no-store').json(result.value);
    } catch (err) {
      next(err);
    }
  };

export interface ApiDeps {
  config: Config;
  log: Logger;
  backends: Backends;
  deletes: DeleteMessage;
  history: History;
  limits: AddressLimits;
  metrics: ChatMetrics;
  /** More dependencies /readyz checks besides the backends (the servers' Redis when scaled out). */
  readyChecks?: Record<string, { ping(): Promise<void> }>;
  /** Signed-in mode: the token check, who may use which room, and the image links' signatures. */
  signedIn?: { authenticator: Authenticator; access: RoomAccess; imageLinks: SignedImageLinks };
}

/**
 * The HTTP half of the protocol and of operations: health, readiness and metrics; history and upload URLs (limited
 * per client address); uploads and images; moderator deletes.
 */
export function apiRouter(deps: ApiDeps): express.Router {
  const { config, backends, limits } = deps;
  const router = express.Router();
  const addressOf = (req: express.Request) => clientAddress(req, config);

  router.get('/healthz', (_req, res) => {
    res.json({ ok: true });
  });

  const readiness = readinessCheck(backends, config.readyCacheMs, deps.readyChecks);
  // Ready or not to everyone; which backend fails only to the operator (this host, or with METRICS_TOKEN).
  router.get('/readyz', async (req, res, next) => {
    try {
      const r = await readiness();
      res
        .status(r.ok ? 200 : 503)
        .set('Cache-Control', 'no-store')
        .json(fromOperator(req, config.metricsToken) ? r : { ok: r.ok });
    } catch (err) {
      next(err);
    }
  });

  router.get('/metrics', metricsRoute(deps.metrics, config.metricsToken));

  router.use(
    ['/history', '/upload-url', '/uploads'],
    limitedBy((a) => limits.request(a), addressOf, `${config.httpRateLimitPerMinute} requests per minute`),
  );
  // Every history page is a store read: its own, smaller budget.
  router.use(
    '/history',
    limitedBy((a) => limits.history(a), addressOf, `${config.abuse.historyPerMinute} history requests per minute`),
  );
  // Signed in, the API needs a token (after the address limit, so a flood of bad tokens costs no verification).
  const { signedIn } = deps;
  if (signedIn) router.use(['/history', '/upload-url', '/uploads'], requireSignIn(signedIn.authenticator, deps.log));
  const mayUse = (user: SignedInUser | undefined) => (signedIn && user ? (room: string) => signedIn.access.refusal(room, user) : undefined);
  // Each upload URL lets a client store up to MAX_UPLOAD_BYTES: far fewer of those than reads.
  router.use(
    '/upload-url',
    limitedBy((a) => limits.uploadUrl(a), addressOf, `${config.abuse.uploadUrlsPerHour} upload URLs per hour`),
  );

  router.get('/history', (req, res, next) =>
    answer((query, user) =>
      deps.history.read(query, {
        address: addressOf(req),
        ...(signedIn && user ? { person: user.id, mayRead: mayUse(user)! } : {}),
      }),
    )(req, res, next),
  );
  router.get(
    '/upload-url',
    answer((query, user) => createUploadUrl(backends.uploads, query, config.maxUploadBytes, config.backendTimeoutMs, mayUse(user))),
  );

  router.use(moderatorRoutes(config, deps.deletes, limits));

  router.get('/images/*key', async (req, res, next) => {
    const key = req.params.key.join('/');
    if (!IMAGE_KEY_PATTERN.test(key)) return void sendError(res, { code: 'not_found', message: 'no such image' });
    // Signed in, an image link carries its own expiring signature (an <img> sends no token), given to readers only.
    if (signedIn && !signedIn.imageLinks.valid(key, req.query['exp'], req.query['sig'])) {
      return void sendError(res, { code: 'forbidden', message: 'this image link is not valid (or has expired): reload the room' });
    }
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
        // Signed in, never in a shared cache: one that ignored the query would serve it without the signature.
        'Cache-Control': signedIn ? 'private, max-age=86400, immutable' : 'public, max-age=31536000, immutable',
        'Content-Security-Policy': "default-src 'none'; sandbox",
      });
      res.sendFile(image.path);
    } catch (err) {
      next(err);
    }
  });

  // The embedded uploads' signed PUT (aws mode: the browser posts to S3 itself).
  if (backends.routes) router.use(backends.routes);
  return router;
}
