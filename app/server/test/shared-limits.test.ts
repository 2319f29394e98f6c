import { Redis as RedisClient } from 'ioredis';
import { startRedis, type Redis } from '@chat/local-aws';
import { redisLimiters } from '../src/limits/limiter';
import { Cluster } from './support/cluster';
import { eventually } from './support/eventually';

/** Behind the (trusted) proxy at `address`: TRUST_PROXY=1 reads it from X-Forwarded-For (HAProxy passes it on). */
const from = (address: string) => ({ headers: { 'X-Forwarded-For': address } });

describe('limits in Redis: the servers enforce one budget', () => {
  let redis: Redis;
  const clients: RedisClient[] = [];
  const client = () => {
    const c = new RedisClient(redis.url, { maxRetriesPerRequest: null, enableOfflineQueue: true, retryStrategy: () => 100 });
    c.on('error', () => {});
    clients.push(c);
    return c;
  };
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    for (const c of clients) c.disconnect();
    await redis.stop();
  });

  test('two servers count against one limit; with Redis away each falls back to its own at once', async () => {
    const [a, b] = [client(), client()];
    await eventually(async () => a.status === 'ready' && b.status === 'ready', 10_000, 'both clients connected to Redis');
    // A window far longer than the test: what is counted is how many, never how fast.
    const onA = redisLimiters(a).make('test', 5, 3600);
    const onB = redisLimiters(b).make('test', 5, 3600);
    const outcomes = [];
    for (let i = 0; i < 4; i++) outcomes.push(await onA.take('192.0.2.1'), await onB.take('192.0.2.1'));
    expect(outcomes.filter((o) => o.ok)).toHaveLength(5);
    expect(outcomes.at(-1)).toMatchObject({ ok: false, retryInSeconds: expect.any(Number) });
    expect((await onB.take('192.0.2.2')).ok).toBe(true);

    await redis.stop();
    await eventually(async () => a.status !== 'ready', 10_000, 'the client to see Redis gone');
    // Answered from the insurance limiter in memory (its own count), not left waiting for Redis.
    const insured = [];
    for (let i = 0; i < 6; i++) insured.push(await onA.take('192.0.2.3'));
    expect(insured.filter((o) => o.ok)).toHaveLength(5);
    await redis.restart();
    await eventually(async () => a.status === 'ready', 20_000, 'the client to reconnect to Redis');
    expect((await onA.take('192.0.2.4')).ok).toBe(true);
  });
});

describe('per-address limits across two servers behind HAProxy', () => {
  const cluster = new Cluster();
  beforeAll(async () => {
    await cluster.start({ servers: 2, env: { TRUST_PROXY: '1', HISTORY_REQUESTS_PER_MINUTE: '10' } });
    await cluster.untilAllUp();
  }, 180_000);
  afterAll(() => cluster.stop(), 60_000);

  test('one address gets one history budget, not one per server', async () => {
    const answers: { status: number; server: string | undefined }[] = [];
    for (let i = 0; i < 20; i++) {
      const res = await fetch(`${cluster.lb.url}/history?room=global`, from('203.0.113.70'));
      await res.arrayBuffer();
      // HAProxy's stickiness cookie names the server that answered.
      answers.push({ status: res.status, server: /CHATSERVER=(\w+)/.exec(res.headers.get('set-cookie') ?? '')?.[1] });
    }
    expect(new Set(answers.map((a) => a.server))).toEqual(new Set(['s1', 's2']));
    expect(answers.filter((a) => a.status === 200)).toHaveLength(10);
    expect(answers.filter((a) => a.status === 429)).toHaveLength(10);
    // Another address has its own.
    expect((await fetch(`${cluster.lb.url}/history?room=global`, from('203.0.113.71'))).status).toBe(200);
  });
});
