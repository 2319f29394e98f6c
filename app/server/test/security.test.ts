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
