import type { RunningServer } from '../src';
import { METRIC_NAMES } from '../src/metric-names';
import { TestBackend } from './support/backends';
import { ChatClient } from './support/chat-client';
import { startCountingProxy } from './support/counting-proxy';

/** A sample's value in Prometheus text (`name{labels} value`), or undefined when absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('/metrics', () => {
  const backend = new TestBackend('embedded');
  let server: RunningServer;
  const TOKEN = 'metrics-token-for-tests-0123456789';
  beforeAll(async () => {
    await backend.setup();
    server = await backend.start(await backend.env({ METRICS_TOKEN: TOKEN, RATE_LIMIT_POINTS: '1', RATE_LIMIT_WINDOW_SECONDS: '3600' }));
  });
  afterAll(() => backend.teardown());

  test('serves every metric the stacks may name, and names every chat metric it serves', async () => {
    const text = await (await fetch(`${server.url}/metrics`)).text();
    const served = [...text.matchAll(/^# TYPE (chat_\w+) /gm)].map((m) => m[1]);
    expect(served.sort()).toEqual(Object.values(METRIC_NAMES).sort());
  });

  test('counts a sent message (accepted, stored, broadcast, ack latency) and a refusal by code', async () => {
    const sender = await ChatClient.connect(server.url);
    const watcher = await ChatClient.connect(server.url);
    expect(await sender.send({ id: 'm1', author: 'ann', text: 'counted' })).toMatchObject({ ok: true });
    expect(await sender.send({ id: 'm2', author: 'ann', text: 'over the limit' })).toMatchObject({
      ok: false,
      error: { code: 'rate_limited' },
    });
    await watcher.waitFor((r) => r.some((m) => m.id === 'm1'));

    const res = await fetch(`${server.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    expect(sample(text, 'chat_messages_accepted_total')).toBe(1);
    expect(sample(text, 'chat_messages_stored_total')).toBe(1);
    expect(sample(text, 'chat_messages_broadcast_total')).toBe(1);
    expect(sample(text, 'chat_messages_refused_total{code="rate_limited"}')).toBe(1);
    expect(sample(text, 'chat_ack_seconds_count{outcome="ok"}')).toBe(1);
    expect(sample(text, 'chat_store_seconds_count')).toBe(1);
    expect(sample(text, 'chat_connected_sockets')).toBe(2);
    expect(sample(text, 'chat_rooms')).toBe(1);
    expect(sample(text, 'chat_backend_errors_total{backend="store"}')).toBe(0);
    expect(sample(text, 'chat_queue_receive_batch_size_count')).toBeGreaterThanOrEqual(1);
    expect(text).toContain('process_cpu_seconds_total');
    expect(text).toContain('nodejs_eventloop_lag_seconds');
    sender.close();
    watcher.close();
  });

  test('a request that came through a proxy (not from this host) is refused without the token, served with it', async () => {
    const proxied = { 'X-Forwarded-For': '203.0.113.5' };
    const refused = await fetch(`${server.url}/metrics`, { headers: proxied });
    expect(refused.status).toBe(403);
    expect(await refused.text()).not.toContain('chat_');
    const wrong = await fetch(`${server.url}/metrics`, { headers: { ...proxied, Authorization: `Bearer ${TOKEN}x` } });
    expect(wrong.status).toBe(403);
    const right = await fetch(`${server.url}/metrics`, { headers: { ...proxied, Authorization: `Bearer ${TOKEN}` } });
    expect(right.status).toBe(200);
    expect(await right.text()).toContain('chat_messages_accepted_total');
  });
});

describe('/readyz cache (moto, AWS calls counted on the wire)', () => {
  const backend = new TestBackend('moto');
  let proxy: Awaited<ReturnType<typeof startCountingProxy>>;
  let server: RunningServer;
  beforeAll(async () => {
    await backend.setup();
    const env = await backend.env({ READY_CACHE_MS: '300000' });
    proxy = await startCountingProxy(env['AWS_ENDPOINT_URL']!);
    server = await backend.start({ ...env, AWS_ENDPOINT_URL: proxy.url });
  });
  afterAll(async () => {
    await backend.teardown();
    await proxy.close();
  });

  test('a flood of /readyz makes one round of backend checks, not one per request', async () => {
    const pings = () =>
      proxy.calls.filter(
        (c) => c.target === 'AmazonSQS.GetQueueAttributes' || c.target === 'DynamoDB_20120810.DescribeTable' || c.method === 'HEAD',
      ).length;
    const before = pings();
    const statuses = await Promise.all(Array.from({ length: 200 }, () => fetch(`${server.url}/readyz`).then((r) => r.status)));
    expect(statuses.every((s) => s === 200)).toBe(true);
    // One check: the queue, the table and the bucket, once each.
    expect(pings() - before).toBe(3);
    const again = await fetch(`${server.url}/readyz`);
    expect(await again.json()).toEqual({ ok: true, mode: 'aws', checks: { queue: 'ok', store: 'ok', uploads: 'ok' } });
    expect(pings() - before).toBe(3);
  }, 60_000);
});
