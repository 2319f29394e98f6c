import express from 'express';
import helmet from 'helmet';
import cors from 'cors';
import type { Config } from '../../config';
import { hostAllowed } from '../loopback-host';
import { throughFrontDoor } from '../front-door';

/**
 * What every request passes first: the front door (the origin secret), the Host check against DNS rebinding, the security headers with a
 * Content-Security-Policy that names where uploads and images live, and CORS only for the configured origins.
 */
export function securityRouter(config: Config, uploadOrigins: string[], signInOrigins: string[] = []): express.Router {
  const router = express.Router();
  router.use((req, res, next) => {
    if (throughFrontDoor(req, config)) return next();
    res.status(403).json({ error: { code: 'forbidden', message: 'forbidden' } });
  });
  router.use((req, res, next) => {
    if (hostAllowed(config.host, req)) return next();
    res.status(421).json({ error: { code: 'invalid', message: 'this server answers only to its loopback address' } });
  });
  router.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          // Only where the site really is https: on plain http (a LAN address) the upgrade would break its own assets.
          'upgrade-insecure-requests': config.publicUrl?.startsWith('https:') ? [] : null,
          'img-src': ["'self'", 'data:', 'blob:', ...uploadOrigins],
          // Signed in, the page itself talks to the issuer: discovery, keys, the token endpoint.
          'connect-src': ["'self'", ...uploadOrigins, ...config.corsOrigins, ...signInOrigins],
        },
      },
      // Images may be shown by the web app on another origin (the S3 website calling the EC2 API).
      crossOriginResourcePolicy: { policy: config.corsOrigins.length > 0 ? 'cross-origin' : 'same-origin' },
    }),
  );
  // No CORS headers unless origins are configured: same origin only by default.
  if (config.corsOrigins.length > 0) {
    router.use(cors({ origin: config.corsOrigins, maxAge: 600, allowedHeaders: ['Authorization', 'Content-Type'] }));
  }
  return router;
}
