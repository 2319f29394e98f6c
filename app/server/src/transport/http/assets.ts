import fs from 'node:fs';
import path from 'node:path';
import express from 'express';
import { IMAGE_CONTENT_TYPES, PROTOCOL_VERSION, type WebConfig } from '@chat/protocol';
import type { Config } from '../../config';

const API_PATHS = /^\/(history|upload-url|uploads|images|healthz|readyz|socket\.io|config\.json)(\/|$)/;
/** The build's content-hashed names (`main-QMQKELKO.js`, `chunk-EGDUX52C.js`): they never change, so cache them for good. */
const HASHED = /[.-][A-Za-z0-9]{8,}\.(js|css|woff2?|png|svg|jpg|webp)$/;
/** A path that names a file (`/robots.txt`, `/icons/x.png`): when it is missing it is a 404, never the app's HTML. */
const FILE_PATH = /\/[^/]*\.[A-Za-z0-9]+$/;

/** How long a file of the build may be cached: hashed ones for good, the page itself never without asking. */
export function webCacheControl(file: string): string {
  const name = path.basename(file);
  if (HASHED.test(name)) return 'public, max-age=31536000, immutable';
  if (name === 'index.html') return 'no-cache';
  // Stable names (robots.txt, favicon.ico, the manifest, icons): briefly, as the S3 site does (publish-site.sh).
  return 'public, max-age=300';
}

/**
 * What the browser loads: `/config.json` (so one build serves every deployment), then the built web app at `/`:
 * hashed assets cached for good, index.html always revalidated, and unknown paths (the app's own routes such as
 * /r/<room>) answered with index.html. Before the app is built, a page that says how.
 */
export function assetsRouter(
  config: Pick<Config, 'maxUploadBytes' | 'webDir' | 'reactionEmoji' | 'auth'> & Partial<Pick<Config, 'push'>>,
): express.Router {
  const router = express.Router();
  router.get('/config.json', (_req, res) => {
    const body: WebConfig = {
      apiUrl: '',
      maxUploadBytes: config.maxUploadBytes,
      imageTypes: IMAGE_CONTENT_TYPES,
      protocolVersion: PROTOCOL_VERSION,
      reactions: config.reactionEmoji,
      ...(config.push ? { push: { vapidPublicKey: config.push.vapidPublicKey } } : {}),
      ...(config.auth.mode === 'signed-in'
        ? { auth: { mode: 'signed-in', issuer: config.auth.issuer, clientId: config.auth.audience, scopes: config.auth.scopes } }
        : {}),
    };
    res.set('Cache-Control', 'no-cache').json(body);
  });

  const index = path.join(config.webDir, 'index.html');
  router.use(
    express.static(config.webDir, {
      index: false,
      setHeaders(res, file) {
        res.setHeader('Cache-Control', webCacheControl(file));
      },
    }),
  );
  router.get(/.*/, (req, res, next) => {
    if (API_PATHS.test(req.path) || FILE_PATH.test(req.path) || !req.accepts('html')) return next();
    res.set('Cache-Control', 'no-cache');
    if (fs.existsSync(index)) return res.sendFile(index);
    res
      .status(200)
      .type('html')
      .send(
        '<!doctype html><meta charset="utf-8"><title>Realtime chat</title>' +
          '<h1>Realtime chat server is running</h1><p>The web app is not built yet: run <code>npm run build -w app/web</code> ' +
          'or <code>npm start</code>. The API is at <a href="/history">/history</a>, Socket.IO at <code>/socket.io</code>.</p>',
      );
  });
  return router;
}
