import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { io } from 'socket.io-client';
import type { RunningServer } from '../src';
import { TestBackend } from './support/backends';

/** Secure defaults: same origin only unless origins are configured, and helmet's headers. */
describe('origins and headers', () => {
  const backend = new TestBackend('embedded');
  let closed: RunningServer;
  let open: RunningServer;
  beforeAll(async () => {
    await backend.setup();
    closed = await backend.start(await backend.env());
    open = await backend.start(await backend.env({ CORS_ORIGINS: 'https://chat.example' }));
  });
  afterAll(() => backend.teardown());

  const connects = (url: string, origin?: string) =>
    new Promise<boolean>((resolve) => {
      const s = io(url, { transports: ['websocket'], reconnection: false, forceNew: true, extraHeaders: origin ? { Origin: origin } : {} });
      s.once('connect', () => (s.close(), resolve(true)));
      s.once('connect_error', () => (s.close(), resolve(false)));
    });

  test('a socket from another site is refused by default; its own origin and non-browser clients are let in', async () => {
    expect(await connects(closed.url, 'https://evil.example')).toBe(false);
    expect(await connects(closed.url, closed.url)).toBe(true);
    expect(await connects(closed.url)).toBe(true);
  });

  test('a configured origin may connect and gets CORS headers on the API; others get none', async () => {
    expect(await connects(open.url, 'https://chat.example')).toBe(true);
    expect(await connects(open.url, 'https://evil.example')).toBe(false);
    const allowed = await fetch(`${open.url}/history`, { headers: { Origin: 'https://chat.example' } });
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://chat.example');
    const other = await fetch(`${open.url}/history`, { headers: { Origin: 'https://evil.example' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    const byDefault = await fetch(`${closed.url}/history`, { headers: { Origin: 'https://chat.example' } });
    expect(byDefault.headers.get('access-control-allow-origin')).toBeNull();
  });

  test('helmet headers are on every response', async () => {
    const res = await fetch(`${closed.url}/healthz`);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(res.headers.get('x-powered-by')).toBeNull();
  });

  test('readyz reports each backend', async () => {
    const res = await fetch(`${closed.url}/readyz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, mode: 'embedded', checks: { queue: 'ok', store: 'ok', uploads: 'ok' } });
  });
});

describe('web app serving', () => {
  const backend = new TestBackend('embedded');
  let server: RunningServer;
  beforeAll(async () => {
    await backend.setup();
    // A stand-in build: an index page and a hashed bundle, big enough to be worth compressing.
    const web = fs.mkdtempSync(path.join(os.tmpdir(), 'chat-web-'));
    fs.writeFileSync(path.join(web, 'index.html'), `<!doctype html><title>chat</title>${'<!-- padding -->'.repeat(200)}`);
    fs.writeFileSync(path.join(web, 'main-ABCD1234.js'), `console.log(${JSON.stringify('x'.repeat(5000))});`);
    server = await backend.start(await backend.env({ WEB_DIR: web }));
  });
  afterAll(() => backend.teardown());

  test('the app is served compressed; hashed files are immutable, index.html revalidated, routes fall back to it', async () => {
    const gzip = { 'Accept-Encoding': 'gzip', Accept: 'text/html' };
    const page = await fetch(`${server.url}/r/global`, { headers: gzip });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-encoding')).toBe('gzip');
    expect(page.headers.get('cache-control')).toBe('no-cache');
    expect(await page.text()).toContain('<title>chat</title>');
    const bundle = await fetch(`${server.url}/main-ABCD1234.js`, { headers: gzip });
    expect(bundle.headers.get('content-encoding')).toBe('gzip');
    expect(bundle.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
  });

  test('config.json tells the web app its limits and is never cached', async () => {
    const res = await fetch(`${server.url}/config.json`);
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(await res.json()).toEqual({
      apiUrl: '',
      maxUploadBytes: 5242880,
      imageTypes: ['image/png', 'image/jpeg', 'image/gif', 'image/webp'],
      protocolVersion: 1,
      reactions: ['👍', '❤️', '😂', '🎉', '😮', '😢'],
    });
  });

  test('unknown API paths answer JSON 404, not the app', async () => {
    const res = await fetch(`${server.url}/history/nope`, { headers: { Accept: 'text/html' } });
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { code: 'not_found' } });
  });
});

describe('DNS rebinding on the loopback server', () => {
  const backend = new TestBackend('embedded');
  let server: RunningServer;
  beforeAll(async () => {
    await backend.setup();
    server = await backend.start(await backend.env());
  });
  afterAll(() => backend.teardown());

  const get = (host: string) =>
    new Promise<number>((resolve, reject) => {
      // fetch cannot set Host; a raw request can, as a rebinding page's browser would.
      const req = http.request(`${server.url}/history`, { headers: { Host: host } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });

  test('requests addressed to another name are refused; loopback names are served', async () => {
    expect(await get('evil.example:3000')).toBe(421);
    expect(await get(new URL(server.url).host)).toBe(200);
    expect(await get(`localhost:${server.port}`)).toBe(200);
    const socket = io(server.url, {
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      extraHeaders: { Host: 'evil.example' },
    });
    const connected = await new Promise<boolean>((resolve) => {
      socket.once('connect', () => resolve(true));
      socket.once('connect_error', () => resolve(false));
    });
    socket.close();
    expect(connected).toBe(false);
  });
});
