import { startHaproxy, type LoadBalancer } from '@chat/local-aws';
import type { RunningServer } from '../src';
import { ORIGIN_SECRET_HEADER } from '../src/edge';
import { TestBackend } from './support/backends';
import type { ChatClient } from './support/chat-client';
import { eventually } from './support/eventually';
import { getFrom, socketFrom } from './support/from-address';

/**
 * The server's side of the front door (infra/README "Security"), through the real HAProxy on loopback appending
 * X-Forwarded-For as the ALB does. HAProxy connects to the server from 127.0.0.1, the one trusted proxy
 * (TRUSTED_PROXIES=127.0.0.1/32); clients are other loopback addresses, 127.0.0.2 and up, untrusted. A client sending
 * the origin secret plays CloudFront.
 */

const SECRET = 'a'.repeat(24) + 'origin-secret-for-tests';
const OLD_SECRET = 'b'.repeat(40);
const withSecret = (extra: Record<string, string> = {}) => ({ [ORIGIN_SECRET_HEADER]: SECRET, ...extra });

const backend = new TestBackend('embedded');
const clients: ChatClient[] = [];
const lbs: LoadBalancer[] = [];
const keep = (r: { client?: ChatClient }) => (r.client && clients.push(r.client), r);

/** A server with these settings and HAProxy in front of it, once HAProxy sees it up. */
async function behindLoadBalancer(env: Record<string, string>): Promise<{ server: RunningServer; lb: LoadBalancer }> {
  const server = await backend.start(await backend.env({ TRUSTED_PROXIES: '127.0.0.1/32', ...env }));
  const lb = await startHaproxy([server.port], { forwardFor: true });
  lbs.push(lb);
  await eventually(async () => (await lb.up())['s1'] === true, 30_000, 'HAProxy to see the server up');
  return { server, lb };
}

beforeAll(() => backend.setup());
afterAll(async () => {
  for (const c of clients) c.close();
  await Promise.all(lbs.map((lb) => lb.stop()));
  await backend.teardown();
});

describe('ORIGIN_SECRET: nothing around the front door', () => {
  let server: RunningServer;
  let lb: LoadBalancer;
  beforeAll(async () => {
    ({ server, lb } = await behindLoadBalancer({ ORIGIN_SECRET: `${SECRET},${OLD_SECRET}`, HTTP_RATE_LIMIT_PER_MINUTE: '3' }));
  }, 60_000);

  test('a request or a socket without the header gets 403, with only "forbidden" to say; with it, either secret is served', async () => {
    const around = await getFrom(`${lb.url}/history`, '127.0.0.2');
    expect(around).toEqual({ status: 403, body: { error: { code: 'forbidden', message: 'forbidden' } } });
    expect((await getFrom(`${lb.url}/history`, '127.0.0.2', { [ORIGIN_SECRET_HEADER]: 'c'.repeat(40) })).status).toBe(403);
    const refused = keep(await socketFrom(lb.url, '127.0.0.2'));
    expect(refused.client).toBeUndefined();
    // The long-polling handshake too: refused before any session exists.
    const polling = await getFrom(`${lb.url}/socket.io/?EIO=4&transport=polling`, '127.0.0.2');
    expect(polling.status).toBe(403);
    expect((await getFrom(`${lb.url}/socket.io/?EIO=4&transport=polling`, '127.0.0.2', withSecret())).status).toBe(200);

    expect((await getFrom(`${lb.url}/history`, '127.0.0.2', withSecret())).status).toBe(200);
    expect((await getFrom(`${lb.url}/history`, '127.0.0.2', { [ORIGIN_SECRET_HEADER]: OLD_SECRET })).status).toBe(200);
    expect(keep(await socketFrom(lb.url, '127.0.0.2', { headers: withSecret() })).client).toBeDefined();
  });

  test("this host is served without it, and so are the load balancer's health checks, and nothing else", async () => {
    // Loopback, no proxy in between: release.sh's /readyz, the CloudWatch agent's /metrics.
    expect((await getFrom(`${server.url}/history`, '127.0.0.1')).status).toBe(200);
    expect((await getFrom(`${server.url}/metrics`, '127.0.0.1')).status).toBe(200);
    expect(keep(await socketFrom(server.url, '127.0.0.1')).client).toBeDefined();
    // From the trusted proxy: health checks only.
    expect(await getFrom(`${lb.url}/healthz`, '127.0.0.2')).toEqual({ status: 200, body: { ok: true } });
    expect(await getFrom(`${lb.url}/readyz`, '127.0.0.2')).toEqual({ status: 200, body: { ok: true } });
    expect((await getFrom(`${lb.url}/metrics`, '127.0.0.2')).status).toBe(403);
    expect((await getFrom(`${lb.url}/config.json`, '127.0.0.2')).status).toBe(403);
    // A loopback peer that says it forwards for someone is not this host; an untrusted peer's health check is refused.
    expect((await getFrom(`${server.url}/history`, '127.0.0.1', { 'X-Forwarded-For': '203.0.113.1' })).status).toBe(403);
    expect((await getFrom(`${server.url}/healthz`, '127.0.0.3', { 'X-Forwarded-For': '203.0.113.1' })).status).toBe(403);
  });

  test('through CloudFront (the secret) and the load balancer, the viewer CloudFront names is the client', async () => {
    // CloudFront appends the viewer; HAProxy then appends CloudFront's address (127.0.0.4), which is not trusted.
    const viaCloudFront = (viewer: string) =>
      getFrom(`${lb.url}/history`, '127.0.0.4', withSecret({ 'X-Forwarded-For': `198.51.100.99, ${viewer}` }));
    for (let i = 0; i < 3; i++) expect((await viaCloudFront('198.51.100.1')).status).toBe(200);
    expect((await viaCloudFront('198.51.100.1')).status).toBe(429);
    // Another viewer behind the same edge is another client; the spoofed entry left of the viewer counted for no one.
    expect((await viaCloudFront('198.51.100.2')).status).toBe(200);
    expect((await getFrom(`${lb.url}/history`, '127.0.0.4', withSecret({ 'X-Forwarded-For': '198.51.100.99' }))).status).toBe(200);
  });
});

describe('TRUSTED_PROXIES: a spoofed X-Forwarded-For changes no per-address count', () => {
  let server: RunningServer;
  let lb: LoadBalancer;
  beforeAll(async () => {
    ({ server, lb } = await behindLoadBalancer({ HTTP_RATE_LIMIT_PER_MINUTE: '3', SOCKETS_PER_ADDRESS: '2' }));
  }, 60_000);

  test('HTTP: through the load balancer or straight to the server, the spoofer spends its own budget, never its victim’s', async () => {
    const victim = '127.0.0.11';
    for (let i = 0; i < 3; i++) expect((await getFrom(`${lb.url}/history`, '127.0.0.10', { 'X-Forwarded-For': victim })).status).toBe(200);
    expect((await getFrom(`${lb.url}/history`, '127.0.0.10', { 'X-Forwarded-For': victim })).status).toBe(429);
    for (let i = 0; i < 3; i++)
      expect((await getFrom(`${server.url}/history`, '127.0.0.12', { 'X-Forwarded-For': victim })).status).toBe(200);
    expect((await getFrom(`${server.url}/history`, '127.0.0.12', { 'X-Forwarded-For': victim })).status).toBe(429);
    // Six spoofed requests in the victim's name, and its whole budget is left.
    for (let i = 0; i < 3; i++) expect((await getFrom(`${lb.url}/history`, victim)).status).toBe(200);
    expect((await getFrom(`${lb.url}/history`, victim)).status).toBe(429);
  });

  test('sockets: the same rule; the spoofer is refused past its own cap, its victim connects', async () => {
    const victim = '127.0.0.21';
    const spoofed = await Promise.all([0, 1, 2].map(() => socketFrom(lb.url, '127.0.0.20', { headers: { 'X-Forwarded-For': victim } })));
    spoofed.forEach(keep);
    expect(spoofed.filter((s) => s.client)).toHaveLength(2);
    expect(spoofed.find((s) => s.refusal)?.refusal?.message).toBe('at most 2 connections per address');
    const direct = await Promise.all([0, 1, 2].map(() => socketFrom(server.url, '127.0.0.22', { headers: { 'X-Forwarded-For': victim } })));
    direct.forEach(keep);
    expect(direct.filter((s) => s.client)).toHaveLength(2);
    const own = await Promise.all([0, 1].map(() => socketFrom(lb.url, victim)));
    own.forEach(keep);
    expect(own.filter((s) => s.client)).toHaveLength(2);
  });
});
