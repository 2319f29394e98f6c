import express from 'express';
import compression from 'compression';
import type { Logger } from '../../logger';
import { apiRouter, type ApiDeps } from './api';
import { assetsRouter } from './assets';
import { errorHandler, notFound } from './errors';
import { securityRouter } from './security';

/** The HTTP server's app: security first, then the API, then what the browser loads; what is left is a 404. */
export function createHttpApp(deps: ApiDeps & { log: Logger; signInOrigins?: string[] }): express.Express {
  const { config } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  // No 'trust proxy': the client's address is transport/client-address.ts's, one reading for HTTP and sockets.
  app.use(securityRouter(config, deps.backends.uploads.origins(), deps.signInOrigins));
  // The web app's bundle is ~400 kB raw, ~120 kB gzipped; Socket.IO has its own per-message compression.
  app.use(compression());
  app.use(apiRouter(deps));
  app.use(assetsRouter(config));
  app.use(notFound);
  app.use(errorHandler(deps.log));
  return app;
}
