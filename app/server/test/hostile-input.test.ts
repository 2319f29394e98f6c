import express from 'express';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { AUTHOR_FORMAT_CHARS, type SendAck } from '@chat/protocol';
import type { RunningServer } from '../src';
import pino from 'pino';
import { errorHandler } from '../src/transport/http/errors';
import { MODES, TestBackend } from './support/backends';
import { ChatClient } from './support/chat-client';
import { eventually } from './support/eventually';
import { getFrom, socketFrom } from './support/from-address';
import { PNG_1X1 } from './support/images';
import { upload, uploadUrl } from './support/uploads';

/**
 * What a hostile client tries, and what it gets: a clear refusal, and nothing changed for anyone else. Clients at
 * their own loopback addresses (127.0.0.x) so per-address counts are each one's own.
 */

const emit = <T>(c: ChatClient, event: string, ...args: unknown[]): Promise<T> =>
  (c.socket as unknown as { timeout(ms: number): { emitWithAck(e: string, ...a: unknown[]): Promise<T> } })
    .timeout(15_000)
    .emitWithAck(event, ...args);

describe('admission: refused handshakes and recovered sessions cannot leak or overdraw an address’s sockets', () => {
  const backend = new TestBackend('embedded');
  let server: RunningServer;
  const clients: ChatClient[] = [];
  const keep = (r: { client?: ChatClient }) => (r.client && clients.push(r.client), r);
  beforeAll(async () => {
    await backend.setup();
    server = await backend.start(await backend.env({ SOCKETS_PER_ADDRESS: '3', CONNECTIONS_PER_MINUTE: '20' }));
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await backend.teardown();
  });

  test('six handshakes refused after admission (a bad auth value) leave the address able to connect', async () => {
    const address = '127.0.0.30';
    for (let i = 0; i < 6; i++) {
      const refused = await socketFrom(server.url, address, { auth: { clientId: 'not valid!' } });
      expect(refused.refusal?.message).toMatch(/^auth\.clientId/);
    }
    // Each refused connection gives its slot back as it closes, which the server sees a moment after the client.
    await eventually(async () => keep(await socketFrom(server.url, address)).client !== undefined, 15_000, 'a socket from the address');
    const more = await Promise.all([0, 1, 2].map(() => socketFrom(server.url, address)));
    more.forEach(keep);
    expect(more.filter((m) => m.client)).toHaveLength(2);
    expect(more.find((m) => m.refusal)?.refusal?.message).toBe('at most 3 connections per address');
  });

  test('a recovered session counts against the cap: over it, the session is dropped', async () => {
    const address = '127.0.0.31';
    const first = new ChatClient(server.url, { localAddress: address });
    clients.push(first);
    await first.connected();
    // Recovery resumes from the last broadcast the client saw.
    expect(await first.send({ id: 'before-drop', author: 'ann', text: 'hi' })).toMatchObject({ ok: true });
    await first.waitFor((r) => r.some((m) => m.id === 'before-drop'));
    // The transport drops; while it is away, the address fills its three slots (the first's is free once the
    // server has seen its connection close).
    first.socket.io.engine.close();
    const others: ChatClient[] = [];
    await eventually(
      async () => {
        const r = keep(await socketFrom(server.url, address));
        if (r.client) others.push(r.client);
        return others.length === 3;
      },
      15_000,
      'three other sockets from the address',
    );

    const dropped = new Promise<string>((resolve) => {
      first.socket.once('disconnect', (reason) => resolve(reason));
      setTimeout(() => resolve('still connected after 15 s'), 15_000).unref();
    });
    const recovered = new Promise<boolean>((resolve) => first.socket.once('connect', () => resolve(first.socket.recovered)));
    first.socket.connect();
    expect(await recovered).toBe(true);
    expect(await dropped).toBe('io server disconnect');
  });

  test('new connections per address per minute are limited, whatever becomes of them', async () => {
    const address = '127.0.0.32';
    const tries = [];
    for (let i = 0; i < 21; i++) {
      const t = await socketFrom(server.url, address);
      t.client?.close();
      tries.push(t);
    }
    expect(tries.slice(0, 20).every((t) => t.client)).toBe(true);
    expect(tries[20]!.refusal).toMatchObject({
      message: expect.stringContaining('at most 20 new connections per minute per address'),
      data: { code: 'rate_limited' },
    });
  });
});

describe.each(MODES)('an image belongs to the message that first sent it (%s)', (mode) => {
  const backend = new TestBackend(mode);
  let server: RunningServer;
  let client: ChatClient;
  beforeAll(async () => {
    await backend.setup();
    server = await backend.start(await backend.env());
    client = await ChatClient.connect(server.url);
  }, 60_000);
  afterAll(async () => {
    client?.close();
    await backend.teardown();
  });

  test('a second message with the same key is refused, a retry of the first is not, and the image stays its own', async () => {
    const { body: target } = await uploadUrl(server.url, `filename=cat.png&contentType=image/png&size=${PNG_1X1.length}`);
    expect((await upload(server.url, target, PNG_1X1)).status).toBeLessThan(300);
    const deleteKey = 'k'.repeat(32);
    const first = await client.send({ id: 'owner', author: 'ann', image: { key: target.key }, deleteKey });
    expect(first).toMatchObject({ ok: true });
    expect(await client.send({ id: 'repost', author: 'eve', image: { key: target.key }, deleteKey: 'e'.repeat(32) })).toEqual({
      ok: false,
      error: { code: 'invalid', message: 'image.key: this image belongs to another message' },
    });
    // The owner's retry is the same message.
    expect(await client.send({ id: 'owner', author: 'ann', image: { key: target.key }, deleteKey })).toEqual(first);
    const image = async () => (await fetch(`${server.url}/images/${target.key}`, { redirect: 'follow' })).status;
    expect(await image()).toBe(200);

    // Deleting the owner removes it.
    const seq = (first as Extract<SendAck, { ok: true }>).seq;
    expect(await emit(client, 'deleteMessage', { room: 'global', seq, deleteKey })).toMatchObject({ ok: true });
    await eventually(async () => (await image()) === 404, 15_000, 'the image gone with its message');
  });
});

describe('nothing internal in answers', () => {
  const backend = new TestBackend('embedded');
  let server: RunningServer;
  const METRICS_TOKEN = 'metrics-token-for-tests';
  beforeAll(async () => {
    await backend.setup();
    server = await backend.start(await backend.env({ METRICS_TOKEN }));
  });
  afterAll(() => backend.teardown());

  test('/readyz says ready or not to everyone; which backend, only to this host or with the metrics token', async () => {
    const remote = { 'X-Forwarded-For': '203.0.113.50' };
    expect(await getFrom(`${server.url}/readyz`, '127.0.0.40', remote)).toEqual({ status: 200, body: { ok: true } });
    expect(await getFrom(`${server.url}/readyz`, '127.0.0.40', { ...remote, Authorization: 'Bearer wrong-token-wrong' })).toEqual({
      status: 200,
      body: { ok: true },
    });
    const detailed = { ok: true, mode: 'embedded', checks: { queue: 'ok', store: 'ok', uploads: 'ok' } };
    expect(await getFrom(`${server.url}/readyz`, '127.0.0.40', { ...remote, Authorization: `Bearer ${METRICS_TOKEN}` })).toEqual({
      status: 200,
      body: detailed,
    });
    expect(await getFrom(`${server.url}/readyz`, '127.0.0.1')).toEqual({ status: 200, body: detailed });
  });

  test('a malformed request gets a generic 400, not the parser’s words', async () => {
    const res = await getFrom(`${server.url}/images/rooms/%E0%A4%A`, '127.0.0.41');
    expect(res).toEqual({ status: 400, body: { error: { code: 'invalid', message: 'bad request' } } });
  });

  test("a request's own error (a file gone, say) keeps its status; its message, which can name server paths, stays in the log", async () => {
    const lines: string[] = [];
    const log = pino({ level: 'info' }, { write: (l: string) => void lines.push(l) });
    const app = express();
    app.get('/gone', (_req, _res, next) =>
      next(Object.assign(new Error("ENOENT: no such file or directory, stat '/var/lib/chat/uploads/rooms/x.png'"), { status: 404 })),
    );
    app.get('/bad', (_req, _res, next) =>
      next(Object.assign(new Error('Unexpected token } in JSON at /srv/app/body.js'), { status: 400 })),
    );
    app.use(errorHandler(log));
    const httpServer = http.createServer(app).listen(0, '127.0.0.1');
    await new Promise((r) => httpServer.once('listening', r));
    const base = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`;
    try {
      const gone = await fetch(`${base}/gone`);
      expect([gone.status, await gone.json()]).toEqual([404, { error: { code: 'not_found', message: 'not found' } }]);
      const bad = await fetch(`${base}/bad`);
      expect([bad.status, await bad.json()]).toEqual([400, { error: { code: 'invalid', message: 'bad request' } }]);
      expect(lines.join('\n')).toContain('/var/lib/chat/uploads');
    } finally {
      httpServer.close();
    }
  });
});

describe('names render as typed', () => {
  const backend = new TestBackend('embedded');
  let server: RunningServer;
  let client: ChatClient;
  beforeAll(async () => {
    await backend.setup();
    server = await backend.start(await backend.env());
    client = await ChatClient.connect(server.url);
  });
  afterAll(async () => {
    client?.close();
    await backend.teardown();
  });

  const hostile = [
    ['a right-to-left override', 'ann\u202Egpj.exe'],
    ['isolates', '\u2067admin\u2069'],
    ['a zero-width space', 'mod\u200Berator'],
    ['a zero-width joiner between letters', 'ad\u200Dmin'],
    ['a word joiner', 'ad\u2060min'],
    ['a BOM inside', 'ad\uFEFFmin'],
  ];

  test.each(hostile)('a display name with %s is refused, in a message, at the handshake and by identify', async (_what, name) => {
    expect(await client.send({ id: `n-${name.length}-${name.codePointAt(3)}`, author: name, text: 'hi' })).toEqual({
      ok: false,
      error: { code: 'invalid', message: AUTHOR_FORMAT_CHARS },
    });
    const refused = await socketFrom(server.url, '127.0.0.50', { auth: { clientId: 'c1', author: name } });
    expect(refused.refusal?.message).toBe(`auth.${AUTHOR_FORMAT_CHARS}`);
    expect(await emit(client, 'identify', { clientId: 'c1', author: name })).toMatchObject({ ok: false, error: { code: 'invalid' } });
  });

  test('a zero-width joiner inside an emoji is the emoji, and is kept', async () => {
    const name = '👩\u200D💻 dev';
    expect(await client.send({ id: 'emoji-name', author: name, text: 'hi' })).toMatchObject({ ok: true });
    await client.waitFor((r) => r.some((m) => m.id === 'emoji-name'));
    expect(client.received.find((m) => m.id === 'emoji-name')?.author).toBe(name);
  });

  test('room names are a-z 0-9 _ - only: no direction or invisible characters get in', async () => {
    for (const room of ['glob\u202Eal', 'glo\u200Bbal', '\u2066global']) {
      expect(await client.join(room)).toMatchObject({ ok: false, error: { code: 'invalid' } });
      expect(await client.send({ id: `r-${room.length}`, room, author: 'ann', text: 'hi' })).toMatchObject({
        ok: false,
        error: { code: 'invalid' },
      });
    }
  });
});
