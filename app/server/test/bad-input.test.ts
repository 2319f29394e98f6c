import type { HistoryResponse } from '@chat/protocol';
import type { RunningServer } from '../src';
import { TestBackend } from './support/backends';
import { ChatClient, ids } from './support/chat-client';

/** Invariant 4: bad input gets a clear error and changes nothing; everyone else keeps chatting. */
describe('bad input', () => {
  const backend = new TestBackend('embedded');
  let server: RunningServer;
  let sender: ChatClient;
  let watcher: ChatClient;

  beforeAll(async () => {
    await backend.setup();
    server = await backend.start(await backend.env({ RATE_LIMIT_POINTS: '1000' }));
    sender = await ChatClient.connect(server.url);
    watcher = await ChatClient.connect(server.url);
  });
  afterAll(async () => {
    sender.close();
    watcher.close();
    await backend.teardown();
  });

  const ok = { id: 'good', author: 'ann', text: 'fine' };
  const cases: [string, unknown, string][] = [
    ['no id', { author: 'ann', text: 'x' }, 'invalid'],
    ['id with a space', { ...ok, id: 'a b' }, 'invalid'],
    ['id of 65 characters', { ...ok, id: 'a'.repeat(65) }, 'too_large'],
    ['id as a number', { ...ok, id: 42 }, 'invalid'],
    ['room with capitals and spaces', { ...ok, room: 'Big Room' }, 'invalid'],
    ['room of 65 characters', { ...ok, room: 'r'.repeat(65) }, 'too_large'],
    ['room path traversal', { ...ok, room: '../etc' }, 'invalid'],
    ['no author', { id: 'x1', text: 'x' }, 'invalid'],
    ['blank author', { ...ok, author: '   ' }, 'invalid'],
    ['author of 41 characters', { ...ok, author: 'a'.repeat(41) }, 'too_large'],
    ['author with a newline', { ...ok, author: 'a\nb' }, 'invalid'],
    ['text of 2001 characters', { ...ok, text: 'x'.repeat(2001) }, 'too_large'],
    ['text as an object', { ...ok, text: { html: '<b>' } }, 'invalid'],
    ['blank text', { ...ok, text: '  \n ' }, 'invalid'],
    ['text with a control character', { ...ok, text: 'bell\u0007' }, 'invalid'],
    ['neither text nor image', { id: 'x2', author: 'ann' }, 'invalid'],
    ['both text and image', { ...ok, image: { key: 'rooms/global/01ARZ3NDEKTSV4RRFFQ69G5FAV.png' } }, 'invalid'],
    ['image key never uploaded', { id: 'x3', author: 'ann', image: { key: 'rooms/global/01ARZ3NDEKTSV4RRFFQ69G5FAV.png' } }, 'invalid'],
    ['image key for another room', { id: 'x4', author: 'ann', image: { key: 'rooms/other/01ARZ3NDEKTSV4RRFFQ69G5FAV.png' } }, 'invalid'],
    ['image key that is a path', { id: 'x5', author: 'ann', image: { key: '../../etc/passwd' } }, 'invalid'],
    ['unknown field', { ...ok, admin: true }, 'invalid'],
    ['null', null, 'invalid'],
    ['a number', 7, 'invalid'],
    ['an array', [ok], 'invalid'],
    ['an empty string', '', 'invalid'],
  ];

  test.each(cases.map(([name, payload, code]) => ({ name, payload, code })))('$name → $code', async ({ payload, code }) => {
    const ack = await sender.send(payload as never);
    expect(ack).toMatchObject({ ok: false, error: { code } });
    expect(ack.ok === false && ack.error.message.length).toBeGreaterThan(5);
  });

  test('a 2001-emoji text is too large, a 2000-emoji text is fine (characters, not UTF-16 units)', async () => {
    expect(await sender.send({ id: 'emoji-big', author: 'ann', text: '😀'.repeat(2001) })).toMatchObject({ error: { code: 'too_large' } });
    expect(await sender.send({ id: 'emoji-ok', author: 'ann', text: '😀'.repeat(2000) })).toMatchObject({ ok: true });
  });

  test('HTML is stored and delivered as the literal text it is', async () => {
    const text = '<b>x</b><img src=x onerror=alert(1)>';
    expect((await sender.send({ id: 'html', author: '<i>eve</i>', text })).ok).toBe(true);
    await watcher.waitFor((r) => r.some((m) => m.id === 'html'));
    expect(watcher.received.find((m) => m.id === 'html')).toMatchObject({ text, author: '<i>eve</i>' });
  });

  test('a send without an ack callback is handled, not a crash', async () => {
    sender.socket.emit('sendMessage', { id: 'no-ack', author: 'ann', text: 'fire and forget' });
    await watcher.waitFor((r) => r.some((m) => m.id === 'no-ack'));
  });

  test('join with a bad room is refused and the socket stays where it was', async () => {
    expect(await sender.join('NOPE!')).toMatchObject({ ok: false, error: { code: 'invalid' } });
    expect(await sender.socket.timeout(5000).emitWithAck('join', { room: 'x' })).toMatchObject({ ok: false });
  });

  test('only the valid messages reached anyone, and history has exactly those', async () => {
    await sender.send({ id: 'last', author: 'ann', text: 'still here' });
    await watcher.waitFor((r) => r.some((m) => m.id === 'last'));
    expect(ids(watcher.received)).toEqual(['emoji-ok', 'html', 'no-ack', 'last']);
    const res = await fetch(`${server.url}/history?limit=200`);
    expect(ids(((await res.json()) as HistoryResponse).messages)).toEqual(['emoji-ok', 'html', 'no-ack', 'last']);
  });

  test('a 5 MB frame drops that socket only', async () => {
    const abuser = await ChatClient.connect(server.url);
    const dropped = new Promise<string>((resolve) => abuser.socket.once('disconnect', resolve));
    abuser.socket.emit('sendMessage', { id: 'huge', author: 'ann', text: 'x'.repeat(5 * 1024 * 1024) });
    expect(await dropped).toMatch(/transport (close|error)/);
    expect(await sender.send({ id: 'after-huge', author: 'ann', text: 'others unaffected' })).toMatchObject({ ok: true });
    await watcher.waitFor((r) => r.some((m) => m.id === 'after-huge'));
    expect(watcher.received.some((m) => m.id === 'huge')).toBe(false);
  });

  test('unknown query parameters are ignored, like a cache-buster', async () => {
    const res = await fetch(`${server.url}/history?limit=1&_=${Date.now()}`);
    expect(res.status).toBe(200);
  });

  test.each([
    ['limit=0', 'invalid'],
    ['limit=201', 'invalid'],
    ['limit=abc', 'invalid'],
    ['room=Bad%20Room', 'invalid'],
    ['before=12a', 'invalid'],
    ['room=a&room=b', 'invalid'],
  ])('GET /history?%s → 400 %s', async (query, code) => {
    const res = await fetch(`${server.url}/history?${query}`);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code } });
  });
});

describe('flood', () => {
  const backend = new TestBackend('embedded');
  let server: RunningServer;
  beforeAll(async () => {
    await backend.setup();
    server = await backend.start(await backend.env({ RATE_LIMIT_POINTS: '20', RATE_LIMIT_WINDOW_SECONDS: '10' }));
  });
  afterAll(() => backend.teardown());

  test('one client over the rate limit gets rate_limited; the others chat on, and only acked messages exist', async () => {
    const flooder = await ChatClient.connect(server.url);
    const polite = await ChatClient.connect(server.url);
    const acks = await Promise.all(Array.from({ length: 300 }, (_, i) => flooder.send({ id: `f${i}`, author: 'bot', text: `spam ${i}` })));
    const accepted = acks.filter((a) => a.ok);
    expect(accepted).toHaveLength(20);
    expect(acks.filter((a) => !a.ok).every((a) => !a.ok && a.error.code === 'rate_limited')).toBe(true);

    expect(await polite.send({ id: 'human', author: 'ann', text: 'hello?' })).toMatchObject({ ok: true });
    await polite.waitFor((r) => r.some((m) => m.id === 'human'));
    const res = (await (await fetch(`${server.url}/history?limit=200`)).json()) as HistoryResponse;
    expect(res.messages).toHaveLength(21);
    flooder.close();
    polite.close();
  });
});

describe('HTTP rate limit', () => {
  const backend = new TestBackend('embedded');
  let server: RunningServer;
  beforeAll(async () => {
    await backend.setup();
    server = await backend.start(await backend.env({ HTTP_RATE_LIMIT_PER_MINUTE: '5' }));
  });
  afterAll(() => backend.teardown());

  test('past the limit a client gets 429 rate_limited with Retry-After; health checks are never limited', async () => {
    const statuses = [];
    for (let i = 0; i < 7; i++) statuses.push((await fetch(`${server.url}/history`)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
    const res = await fetch(`${server.url}/upload-url?filename=a.png&contentType=image/png&size=10`);
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await res.json()).toMatchObject({ error: { code: 'rate_limited' } });
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
  });
});
