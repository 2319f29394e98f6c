import fs from 'node:fs';
import path from 'node:path';
import express from 'express';

const API_PATHS = /^\/(history|upload-url|uploads|images|healthz|readyz|socket\.io|config\.json)(\/|$)/;

/**
 * The built web app at `/`: hashed assets cached for good, index.html always revalidated, and unknown paths (the
 * app's own routes such as /r/<room>) answered with index.html. Before the app is built, a page that says how.
 */
export function serveWeb(app: express.Express, webDir: string): void {
  const index = path.join(webDir, 'index.html');
  app.use(
    express.static(webDir, {
      index: false,
      setHeaders(res, file) {
        const hashed = /[.-][A-Za-z0-9]{8,}\.(js|css|woff2?|png|svg|jpg|webp)$/.test(path.basename(file));
        res.setHeader('Cache-Control', hashed ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    }),
  );
  app.get(/.*/, (req, res, next) => {
    if (API_PATHS.test(req.path) || !req.accepts('html')) return next();
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
}
