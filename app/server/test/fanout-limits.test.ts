import type { RunningServer } from '../src';
import { TestBackend } from './support/backends';
import { ChatClient } from './support/chat-client';

/**
 * Events that fan out to a whole room (typing, identify/getPresence, join/leave) have a budget per client address
 * besides the per-socket one: many sockets from one address share it.
 */
describe('per-address budgets for the events that fan out', () => {
  const backend = new TestBackend('embedded');
  let server: RunningServer;
  const clients: ChatClient[] = [];
  const emit = (c: ChatClient, event: string, ...args: unknown[]) => c.request(event, ...args);
  const limited = (message: string) => ({ ok: false, error: { code: 'rate_limited', message } });
  /** A socket behind the (trusted) proxy at `address`, identified as `clientId` in its handshake. */
  const connect = async (address: string, clientId: string) => {
    const c = new ChatClient(server.url, { auth: { clientId, author: clientId }, extraHeaders: { 'X-Forwarded-For': address } });
    clients.push(c);
    return c.connected();
  };
  beforeAll(async () => {
    await backend.setup();
    // Windows far longer than the test: what is counted is how many, never how fast. Per-socket budgets stay larger.
    server = await backend.start(
      await backend.env({
        TRUST_PROXY: '1',
        TYPING_LIMIT_WINDOW_SECONDS: '3600',
        PRESENCE_LIMIT_WINDOW_SECONDS: '3600',
        ADDRESS_TYPING_POINTS: '3',
        ADDRESS_PRESENCE_POINTS: '3',
        ADDRESS_JOINS_PER_MINUTE: '3',
      }),
    );
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await backend.teardown();
  });

  test('two sockets of one address share each budget; another address has its own', async () => {
    const [a1, a2] = await Promise.all([connect('203.0.113.80', 'a1'), connect('203.0.113.80', 'a2')]);
    const other = await connect('203.0.113.81', 'b1');

    expect(await a1.join('x')).toMatchObject({ ok: true });
    expect(await emit(a2, 'leave', 'global')).toMatchObject({ ok: true });
    expect(await a2.join('x')).toMatchObject({ ok: true });
    expect(await a1.join('y')).toEqual(limited('at most 3 joins and leaves per 60 s from one address'));
    expect(await emit(a1, 'leave', 'x')).toEqual(limited('at most 3 joins and leaves per 60 s from one address'));
    expect(await other.join('x')).toMatchObject({ ok: true });

    for (const c of [a1, a2, a1]) expect(await emit(c, 'typing', { room: 'x', typing: true })).toEqual({ ok: true });
    expect(await emit(a2, 'typing', { room: 'x', typing: false })).toEqual(limited('at most 3 typing events per 3600 s from one address'));
    expect(await emit(other, 'typing', { room: 'x', typing: true })).toEqual({ ok: true });

    expect(await emit(a1, 'identify', { clientId: 'a1', author: 'Ann' })).toEqual({ ok: true });
    expect(await emit(a2, 'getPresence', 'x')).toMatchObject({ ok: true });
    expect(await emit(a1, 'getPresence', 'x')).toMatchObject({ ok: true });
    expect(await emit(a2, 'getPresence', 'x')).toEqual(limited('at most 3 identify/getPresence per 3600 s from one address'));
    expect(await emit(other, 'getPresence', 'x')).toMatchObject({ ok: true, count: 3 });
  });
});
