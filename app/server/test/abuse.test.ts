import type { SendAck } from '@chat/protocol';
import type { RunningServer } from '../src';
import { TestBackend } from './support/backends';
import { ChatClient, ids } from './support/chat-client';

/** A client behind the (trusted) proxy at this address: TRUST_PROXY=1 reads it from X-Forwarded-For. */
const connectFrom = (url: string, address: string) =>
  new Promise<{ client?: ChatClient; refusal?: { message: string; data?: unknown } }>((resolve) => {
    const c = new ChatClient(url, { extraHeaders: { 'X-Forwarded-For': address } });
    c.socket.once('connect', () => resolve({ client: c }));
    c.socket.once('connect_error', (err: Error & { data?: unknown }) => {
      c.close();
      resolve({ refusal: { message: err.message, data: err.data } });
    });
  });

describe('per-address abuse limits', () => {
  const backend = new TestBackend('embedded');
  let server: RunningServer;
  const clients: ChatClient[] = [];
  beforeAll(async () => {
    await backend.setup();
    server = await backend.start(
      await backend.env({
        TRUST_PROXY: '1',
        SOCKETS_PER_ADDRESS: '5',
        // Windows far longer than the test: what is counted is how many, never how fast.
        RATE_LIMIT_POINTS: '5',
        RATE_LIMIT_WINDOW_SECONDS: '3600',
        ADDRESS_RATE_LIMIT_POINTS: '10',
        JOINS_PER_MINUTE: '3',
        UPLOAD_URLS_PER_HOUR: '2',
        ABUSE_EXEMPT_ADDRESSES: '198.51.100.0/24',
      }),
    );
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await backend.teardown();
  });

  test('a flood over many sockets from one address is limited while another address chats normally', async () => {
    const flood = await Promise.all(Array.from({ length: 8 }, () => connectFrom(server.url, '203.0.113.7')));
    const admitted = flood.flatMap((f) => (f.client ? [f.client] : []));
    clients.push(...admitted);
    expect(admitted).toHaveLength(5);
    const refusals = flood.flatMap((f) => (f.refusal ? [f.refusal] : []));
    expect(refusals).toHaveLength(3);
    for (const r of refusals) {
      expect(r.message).toBe('at most 5 connections per address');
      expect(r.data).toEqual({ code: 'rate_limited', message: 'at most 5 connections per address' });
    }

    const other = await connectFrom(server.url, '203.0.113.8');
    const watcher = await connectFrom(server.url, '203.0.113.9');
    clients.push(other.client!, watcher.client!);

    // 5 sockets × 5 messages: each socket's own limit would allow all 25; the address allows 10.
    const acks: SendAck[] = (
      await Promise.all(
        admitted.map((c, s) =>
          Promise.all(Array.from({ length: 5 }, (_, i) => c.send({ id: `flood-${s}-${i}`, author: 'bot', text: `spam ${i}` }))),
        ),
      )
    ).flat();
    expect(acks.filter((a) => a.ok)).toHaveLength(10);
    const refused = acks.filter((a) => !a.ok);
    expect(refused).toHaveLength(15);
    for (const a of refused) expect(a).toMatchObject({ ok: false, error: { code: 'rate_limited' } });

    // The other address is unaffected: all its messages are accepted and reach the room.
    for (let i = 0; i < 3; i++)
      expect(await other.client!.send({ id: `calm-${i}`, author: 'ann', text: `hello ${i}` })).toMatchObject({ ok: true });
    await watcher.client!.waitFor((r) => ids(r).filter((id) => id.startsWith('calm-')).length === 3);
    expect(ids(watcher.client!.received).filter((id) => id.startsWith('flood-'))).toHaveLength(10);

    // A socket closed frees its slot for the address.
    admitted[0]!.close();
    await waitUntil(
      async () => {
        const again = await connectFrom(server.url, '203.0.113.7');
        if (again.client) clients.push(again.client);
        return again.client !== undefined;
      },
      (admittedAgain) => admittedAgain,
    );
  });

  test('joins are limited per socket', async () => {
    const { client } = await connectFrom(server.url, '203.0.113.20');
    clients.push(client!);
    const acks = [];
    for (const room of ['a', 'b', 'c', 'd']) acks.push(await client!.join(room));
    expect(acks.slice(0, 3).every((a) => a.ok)).toBe(true);
    expect(acks[3]).toMatchObject({ ok: false, error: { code: 'rate_limited', message: 'at most 3 joins per minute' } });
  });

  test('upload URLs are limited per address; an exempt address is not', async () => {
    const ask = (address: string) =>
      fetch(`${server.url}/upload-url?filename=a.png&contentType=image/png&size=100`, { headers: { 'X-Forwarded-For': address } });
    expect((await ask('203.0.113.30')).status).toBe(200);
    expect((await ask('203.0.113.30')).status).toBe(200);
    const third = await ask('203.0.113.30');
    expect(third.status).toBe(429);
    expect(third.headers.get('retry-after')).toMatch(/^[0-9]+$/);
    expect(await third.json()).toMatchObject({
      error: { code: 'rate_limited', message: expect.stringContaining('2 upload URLs per hour') },
    });
    expect((await ask('203.0.113.31')).status).toBe(200);
    for (let i = 0; i < 4; i++) expect((await ask('198.51.100.9')).status).toBe(200);
  });

  test('an exempt address (a load-test host) may open more sockets and send more', async () => {
    const many = await Promise.all(Array.from({ length: 7 }, () => connectFrom(server.url, '198.51.100.4')));
    const admitted = many.flatMap((f) => (f.client ? [f.client] : []));
    clients.push(...admitted);
    expect(admitted).toHaveLength(7);
    // 3 sockets × 4 messages: over the address limit of 10, under each socket's 5.
    const acks = (
      await Promise.all(
        admitted
          .slice(0, 3)
          .map((c, s) => Promise.all([0, 1, 2, 3].map((i) => c.send({ id: `load-${s}-${i}`, author: 'load', text: 'x' })))),
      )
    ).flat();
    expect(acks.every((a) => a.ok)).toBe(true);
  });

  test('X-Forwarded-For is ignored without TRUST_PROXY: the peer address counts', async () => {
    const direct = await backend.start(await backend.env({ SOCKETS_PER_ADDRESS: '2' }));
    const tries = await Promise.all(['192.0.2.1', '192.0.2.2', '192.0.2.3'].map((a) => connectFrom(direct.url, a)));
    clients.push(...tries.flatMap((t) => (t.client ? [t.client] : [])));
    expect(tries.filter((t) => t.client)).toHaveLength(2);
  });
});

describe('the limits of every socket event and of moderation come from their settings', () => {
  const backend = new TestBackend('embedded');
  let server: RunningServer;
  const clients: ChatClient[] = [];
  const emit = (c: ChatClient, event: string, ...args: unknown[]): Promise<unknown> =>
    (c.socket as unknown as { timeout(ms: number): { emitWithAck(e: string, ...a: unknown[]): Promise<unknown> } })
      .timeout(15_000)
      .emitWithAck(event, ...args);
  const limited = (message: string) => ({ ok: false, error: { code: 'rate_limited', message } });
  beforeAll(async () => {
    await backend.setup();
    // Windows far longer than the test: what is counted is how many, never how fast.
    server = await backend.start(
      await backend.env({
        ROOMS_PER_SOCKET: '2',
        TYPING_LIMIT_POINTS: '2',
        TYPING_LIMIT_WINDOW_SECONDS: '3600',
        PRESENCE_LIMIT_POINTS: '2',
        PRESENCE_LIMIT_WINDOW_SECONDS: '3600',
        DELETE_LIMIT_POINTS: '1',
        DELETE_LIMIT_WINDOW_SECONDS: '3600',
        MODERATOR_REQUESTS_PER_MINUTE: '1',
        ADMIN_TOKEN: 'a-moderator-token-for-tests',
      }),
    );
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await backend.teardown();
  });

  test('rooms per socket, typing, identify/getPresence and deletes, each refused past its own setting', async () => {
    const c = await ChatClient.connect(server.url, { auth: { clientId: 'limits-1', author: 'Lim' } });
    clients.push(c);
    // global + one more: the third room is refused.
    expect(await c.join('a')).toMatchObject({ ok: true });
    expect(await c.join('b')).toMatchObject({ ok: false, error: { code: 'invalid', message: 'at most 2 rooms per connection' } });
    expect(await emit(c, 'typing', { room: 'a', typing: true })).toEqual({ ok: true });
    expect(await emit(c, 'typing', { room: 'a', typing: false })).toEqual({ ok: true });
    expect(await emit(c, 'typing', { room: 'a', typing: true })).toEqual(limited('at most 2 typing events per 3600 s'));
    expect(await emit(c, 'identify', { clientId: 'limits-1', author: 'Limit' })).toEqual({ ok: true });
    expect(await emit(c, 'getPresence', 'a')).toMatchObject({ ok: true });
    expect(await emit(c, 'getPresence', 'a')).toEqual(limited('at most 2 identify/getPresence per 3600 s'));
    const key = 'a-delete-key-for-limits-test';
    const sent = await c.send({ id: 'limits-m1', room: 'a', author: 'Limit', text: 'x', deleteKey: key });
    expect(sent).toMatchObject({ ok: true });
    const seq = sent.ok ? sent.seq : '';
    expect(await emit(c, 'deleteMessage', { room: 'a', seq, deleteKey: key })).toMatchObject({ ok: true });
    expect(await emit(c, 'deleteMessage', { room: 'a', seq, deleteKey: key })).toEqual(limited('at most 1 deletes per 3600 s'));
  });

  test('moderator requests per address', async () => {
    const del = () =>
      fetch(`${server.url}/messages/global/1`, { method: 'DELETE', headers: { Authorization: 'Bearer a-moderator-token-for-tests' } });
    expect((await del()).status).toBe(404);
    expect((await del()).status).toBe(429);
  });
});

/** Polls a check until it holds (the server frees a slot when it sees the disconnect, shortly after the close). */
async function waitUntil<T>(attempt: () => Promise<T>, holds: (v: T) => boolean, tries = 50): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (holds(await attempt())) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('condition never held');
}
