import crypto from 'node:crypto';
import type { ChatMessage, HandshakeAuth, HistoryResponse, MessageDeletedEvent, PresenceEvent, TypingEvent } from '@chat/protocol';
import { Writable } from 'node:stream';
import pino from 'pino';
import { startServer, type RunningServer } from '../src';
import { TestBackend, MODES } from './support/backends';
import { ChatClient, ids } from './support/chat-client';
import { PNG_1X1 } from './support/images';
import { connectWithAuth, Recorder } from './support/recorder';
import { upload, uploadUrl } from './support/uploads';

const ADMIN_TOKEN = 'test-moderator-token-0123456789';
const newKey = () => crypto.randomBytes(24).toString('base64url');

interface Person {
  c: ChatClient;
  presence: Recorder<PresenceEvent>;
  typing: Recorder<TypingEvent>;
  deleted: Recorder<MessageDeletedEvent>;
}

const names = (p: PresenceEvent) => p.members.map((m) => m.author).join(',');
const inRoom =
  (room: string, who: string, count = who.split(',').length) =>
  (p: PresenceEvent) =>
    p.room === room && names(p) === who && p.count === count;

async function history(url: string, room: string): Promise<ChatMessage[]> {
  const res = await fetch(`${url}/history?room=${room}&limit=200`);
  expect(res.status).toBe(200);
  const body = await res.text();
  // The delete key's hash is the store's business only.
  expect(body).not.toMatch(/delete(Key|Hash)/);
  return (JSON.parse(body) as HistoryResponse).messages;
}

/** Presence, typing and deletes, against a real server in each mode, with real socket.io clients. */
describe.each(MODES)('presence, typing and deletes in %s mode', (mode) => {
  const backend = new TestBackend(mode);
  let server: RunningServer;
  const clients: ChatClient[] = [];

  const person = async (clientId: string, author: string, room?: string): Promise<Person> => {
    const c = new ChatClient(server.url, { auth: { clientId, author } });
    clients.push(c);
    // Listening before the connection is up: the first presence update cannot slip by.
    const p = {
      c,
      presence: new Recorder<PresenceEvent>(c.socket, 'presence'),
      typing: new Recorder<TypingEvent>(c.socket, 'typing'),
      deleted: new Recorder<MessageDeletedEvent>(c.socket, 'messageDeleted'),
    };
    await c.connected();
    if (room) expect(await c.join(room)).toEqual({ ok: true, room });
    return p;
  };
  const v1Client = async (room?: string) => {
    const c = await ChatClient.connect(server.url);
    clients.push(c);
    if (room) expect(await c.join(room)).toEqual({ ok: true, room });
    return c;
  };
  const emit = (c: ChatClient, event: string, ...args: unknown[]) =>
    (c.socket as unknown as { timeout(ms: number): { emitWithAck(e: string, ...a: unknown[]): Promise<unknown> } })
      .timeout(mode === 'moto' ? 60_000 : 15_000)
      .emitWithAck(event, ...args);

  beforeAll(async () => {
    await backend.setup();
    server = await backend.start(await backend.env({ ADMIN_TOKEN }));
  });
  afterEach(() => {
    for (const c of clients.splice(0)) c.close();
  });
  afterAll(() => backend.teardown());

  describe('presence', () => {
    test('people appear and go away; two tabs of one browser count once; v1 clients are not listed', async () => {
      const room = 'pres-a';
      const ann = await person('ann-browser', 'Ann', room);
      await ann.presence.waitFor(inRoom(room, 'Ann'));
      const bo = await person('bo-browser', 'Bo', room);
      await ann.presence.waitFor(inRoom(room, 'Ann,Bo'));
      await bo.presence.waitFor(inRoom(room, 'Ann,Bo'));

      const annTab = await person('ann-browser', 'Ann', room);
      await v1Client(room);
      await annTab.presence.waitFor(inRoom(room, 'Ann,Bo'));
      expect(await emit(bo.c, 'getPresence', room)).toEqual({
        ok: true,
        room,
        members: [
          { clientId: 'ann-browser', author: 'Ann' },
          { clientId: 'bo-browser', author: 'Bo' },
        ],
        count: 2,
      });

      const mark = ann.presence.items.length;
      bo.c.close();
      await ann.presence.waitFor(inRoom(room, 'Ann'), 15_000, mark);
      // One of Ann's two tabs goes: Ann is still there.
      const mark2 = annTab.presence.items.length;
      ann.c.close();
      await annTab.presence.waitFor(inRoom(room, 'Ann'), 15_000, mark2);
      expect(await emit(annTab.c, 'getPresence', room)).toMatchObject({ ok: true, count: 1 });
    });

    test('join, leave and identify update the room for everyone in it, three people', async () => {
      const room = 'pres-b';
      const ann = await person('ann-b', 'Ann', room);
      const bo = await person('bo-b', 'Bo', room);
      const cy = await person('cy-b', 'Cy');
      // The default room counts too.
      await cy.presence.waitFor((p) => p.room === 'global' && p.members.some((m) => m.clientId === 'cy-b'));

      expect(await cy.c.join(room)).toEqual({ ok: true, room });
      for (const p of [ann, bo, cy]) await p.presence.waitFor(inRoom(room, 'Ann,Bo,Cy'));

      expect(await emit(cy.c, 'identify', { clientId: 'cy-b', author: 'Cyrus' })).toEqual({ ok: true });
      for (const p of [ann, bo, cy]) await p.presence.waitFor(inRoom(room, 'Ann,Bo,Cyrus'));

      const mark = cy.presence.items.length;
      await emit(cy.c, 'leave', room);
      await ann.presence.waitFor(inRoom(room, 'Ann,Bo'));
      await bo.presence.waitFor(inRoom(room, 'Ann,Bo'));
      expect(cy.presence.items.slice(mark).filter((p) => p.room === room)).toEqual([]);
      expect(await emit(cy.c, 'getPresence', room)).toMatchObject({ ok: false, error: { code: 'invalid' } });
    });
  });

  describe('typing', () => {
    test('relayed to the others in the room, stopped by a send and by a disconnect, never echoed', async () => {
      const room = 'dev';
      const ann = await person('ann-t', 'Ann', room);
      const bo = await person('bo-t', 'Bo', room);
      const outsider = await person('out-t', 'Out');

      expect(await emit(ann.c, 'typing', { room, typing: true })).toEqual({ ok: true });
      expect(await bo.typing.waitFor((t) => t.typing)).toEqual({ room, clientId: 'ann-t', author: 'Ann', typing: true });

      let mark = bo.typing.items.length;
      expect(
        await ann.c.send({ id: 'typed-1', room, author: 'Ann', text: 'done typing' }, mode === 'moto' ? 60_000 : 15_000),
      ).toMatchObject({ ok: true });
      expect(await bo.typing.waitFor(() => true, 15_000, mark)).toEqual({ room, clientId: 'ann-t', author: 'Ann', typing: false });

      mark = bo.typing.items.length;
      expect(await emit(ann.c, 'typing', { room, typing: true })).toEqual({ ok: true });
      await bo.typing.waitFor((t) => t.typing, 15_000, mark);
      mark = bo.typing.items.length;
      ann.c.close();
      expect(await bo.typing.waitFor(() => true, 15_000, mark)).toEqual({ room, clientId: 'ann-t', author: 'Ann', typing: false });

      // Bo's own typing reaches nobody but others: Ann is gone, and Bo never hears himself.
      expect(await emit(bo.c, 'typing', { room, typing: true })).toEqual({ ok: true });
      expect(bo.typing.items.every((t) => t.clientId !== 'bo-t')).toBe(true);
      expect(ann.typing.items.filter((t) => t.clientId === 'ann-t')).toEqual([]);
      expect(outsider.typing.items).toEqual([]);
    });

    test('a flood is rate-limited for that socket only; a v1 or unidentified socket cannot type', async () => {
      const room = 'dev-flood';
      const flooder = await person('flood-t', 'Flo', room);
      const bo = await person('bo-f', 'Bo', room);
      const acks = (await Promise.all(Array.from({ length: 30 }, () => emit(flooder.c, 'typing', { room, typing: true })))) as {
        ok: boolean;
        error?: { code: string };
      }[];
      const passed = acks.filter((a) => a.ok).length;
      expect(passed).toBeGreaterThan(0);
      expect(passed).toBeLessThan(30);
      expect(acks.filter((a) => !a.ok).every((a) => a.error?.code === 'rate_limited')).toBe(true);
      // Others are served: Bo types and the flooder hears it.
      expect(await emit(bo.c, 'typing', { room, typing: true })).toEqual({ ok: true });
      await flooder.typing.waitFor((t) => t.clientId === 'bo-f');
      expect(bo.typing.items.filter((t) => t.clientId === 'flood-t').length).toBeLessThanOrEqual(passed);

      const v1 = await v1Client(room);
      expect(await emit(v1, 'typing', { room, typing: true })).toMatchObject({
        ok: false,
        error: { code: 'invalid', message: expect.stringMatching(/identify/) },
      });
    });
  });

  describe('deletes', () => {
    test('the author deletes live; everyone hears it; history keeps the place without the text; idempotent', async () => {
      const room = 'del';
      const key = newKey();
      const ann = await person('ann-d', 'Ann', room);
      const bo = await person('bo-d', 'Bo', room);
      const v1 = await v1Client(room);
      const ack = await ann.c.send({ id: 'oops', room, author: 'Ann', text: 'sent by mistake', deleteKey: key }, 60_000);
      expect(ack).toMatchObject({ ok: true });
      const seq = ack.ok ? ack.seq : '';
      await bo.c.waitFor((r) => r.some((m) => m.id === 'oops'));
      expect(JSON.stringify(bo.c.received)).not.toContain(key);
      expect(JSON.stringify(bo.c.received)).not.toMatch(/delete/i);

      // Forged: someone else's key, no key at all, another message.
      const forged = await emit(bo.c, 'deleteMessage', { room, seq, deleteKey: newKey() });
      expect(forged).toMatchObject({ ok: false, error: { code: 'forbidden' } });
      expect((await history(server.url, room)).find((m) => m.id === 'oops')).toMatchObject({ text: 'sent by mistake' });

      expect(await emit(ann.c, 'deleteMessage', { room, seq, deleteKey: key })).toEqual({ ok: true, room, seq });
      const event = await bo.deleted.waitFor((d) => d.seq === seq);
      expect(event).toEqual({ room, seq, id: 'oops', deletedAt: expect.any(String) });
      expect(new Date(event.deletedAt).toISOString()).toBe(event.deletedAt);
      await ann.deleted.waitFor((d) => d.seq === seq);

      const row = (await history(server.url, room)).find((m) => m.id === 'oops');
      expect(row).toEqual({ id: 'oops', room, author: 'Ann', seq, sentAt: expect.any(String), deletedAt: event.deletedAt });

      // Again, and with the seq unpadded: the same answer, and no second broadcast.
      expect(await emit(ann.c, 'deleteMessage', { room, seq, deleteKey: key })).toEqual({ ok: true, room, seq });
      expect(await emit(ann.c, 'deleteMessage', { room, seq: String(Number(seq)), deleteKey: key })).toEqual({ ok: true, room, seq });
      expect(await emit(bo.c, 'deleteMessage', { room, seq, deleteKey: newKey() })).toMatchObject({
        ok: false,
        error: { code: 'forbidden' },
      });
      await ann.c.send({ id: 'after-delete', room, author: 'Ann', text: 'still chatting' }, 60_000);
      await bo.c.waitFor((r) => r.some((m) => m.id === 'after-delete'));
      await v1.waitFor((r) => r.some((m) => m.id === 'after-delete'));
      expect(bo.deleted.items.filter((d) => d.seq === seq)).toHaveLength(1);
      // The v1 client received every message, as before.
      expect(ids(v1.received)).toEqual(['oops', 'after-delete']);
    });

    test('a message sent without a key cannot be deleted by anyone but a moderator; unknown seqs are not_found', async () => {
      const room = 'del-nokey';
      const ann = await person('ann-n', 'Ann', room);
      const ack = await ann.c.send({ id: 'keyless', room, author: 'Ann', text: 'no key' }, 60_000);
      const seq = ack.ok ? ack.seq : '';
      expect(await emit(ann.c, 'deleteMessage', { room, seq, deleteKey: newKey() })).toMatchObject({
        ok: false,
        error: { code: 'forbidden' },
      });
      expect(await emit(ann.c, 'deleteMessage', { room, seq: '999999', deleteKey: newKey() })).toMatchObject({
        ok: false,
        error: { code: 'not_found' },
      });
      expect(await emit(ann.c, 'deleteMessage', { room: 'nowhere', seq, deleteKey: newKey() })).toMatchObject({
        ok: false,
        error: { code: 'not_found' },
      });
      expect((await history(server.url, room)).map((m) => m.text)).toEqual(['no key']);
    });

    test('deleting an image message removes the object from storage', async () => {
      const room = 'del-img';
      const key = newKey();
      const ann = await person('ann-i', 'Ann', room);
      const { body: target } = await uploadUrl(server.url, `filename=cat.png&contentType=image/png&size=${PNG_1X1.length}&room=${room}`);
      expect((await upload(server.url, target, PNG_1X1)).status).toBeLessThan(300);
      const ack = await ann.c.send({ id: 'cat', room, author: 'Ann', image: { key: target.key }, deleteKey: key }, 60_000);
      const seq = ack.ok ? ack.seq : '';
      await ann.c.waitFor((r) => r.some((m) => m.id === 'cat'));
      const imageUrl = new URL(ann.c.received.find((m) => m.id === 'cat')!.imageUrl!, server.url);
      // Followed to the bytes wherever they are (the file, or moto behind a presigned GET).
      expect((await fetch(imageUrl)).status).toBe(200);

      expect(await emit(ann.c, 'deleteMessage', { room, seq, deleteKey: key })).toEqual({ ok: true, room, seq });
      expect((await fetch(imageUrl)).status).toBe(404);
      const row = (await history(server.url, room)).find((m) => m.id === 'cat');
      expect(row).toMatchObject({ deletedAt: expect.any(String) });
      expect(row).not.toHaveProperty('imageUrl');
    });

    test('a moderator deletes any message with ADMIN_TOKEN; without it or with a wrong one, nothing changes', async () => {
      const room = 'mod';
      const ann = await person('ann-m', 'Ann', room);
      const ack = await ann.c.send({ id: 'rude', room, author: 'Ann', text: 'rude words', deleteKey: newKey() }, 60_000);
      const seq = ack.ok ? ack.seq : '';
      const del = (path: string, headers: Record<string, string> = {}) => fetch(`${server.url}${path}`, { method: 'DELETE', headers });

      const none = await del(`/messages/${room}/${seq}`);
      expect(none.status).toBe(401);
      expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(await none.json()).toMatchObject({ error: { code: 'unauthorized' } });
      expect((await del(`/messages/${room}/${seq}`, { Authorization: `Basic ${ADMIN_TOKEN}` })).status).toBe(401);
      const wrong = await del(`/messages/${room}/${seq}`, { Authorization: `Bearer ${ADMIN_TOKEN}x` });
      expect(wrong.status).toBe(403);
      expect(await wrong.json()).toMatchObject({ error: { code: 'forbidden' } });
      expect((await history(server.url, room)).map((m) => m.text)).toEqual(['rude words']);
      expect(ann.deleted.items).toEqual([]);

      const auth = { Authorization: `Bearer ${ADMIN_TOKEN}` };
      const ok = await del(`/messages/${room}/${seq}`, auth);
      expect(ok.status).toBe(200);
      expect(await ok.json()).toEqual({ ok: true, room, seq });
      await ann.deleted.waitFor((d) => d.seq === seq && d.id === 'rude');
      expect((await history(server.url, room))[0]).toMatchObject({ id: 'rude', deletedAt: expect.any(String) });
      expect((await history(server.url, room))[0]).not.toHaveProperty('text');

      expect((await del(`/messages/${room}/${seq}`, auth)).status).toBe(200);
      expect((await del(`/messages/${room}/99999`, auth)).status).toBe(404);
      expect((await del(`/messages/Bad%20Room/${seq}`, auth)).status).toBe(400);
      expect((await del(`/messages/${room}/12a`, auth)).status).toBe(400);
    });
  });

  describe('bad input for every new event: a clear error, nothing changed, others served', () => {
    test.each<[string, unknown[], string]>([
      ['identify without author', ['identify', { clientId: 'x' }], 'invalid'],
      ['identify with a bad clientId', ['identify', { clientId: 'a b', author: 'Ann' }], 'invalid'],
      ['identify with a 41-character name', ['identify', { clientId: 'x', author: 'a'.repeat(41) }], 'too_large'],
      ['identify with extra fields', ['identify', { clientId: 'x', author: 'Ann', admin: true }], 'invalid'],
      ['identify with a string', ['identify', 'Ann'], 'invalid'],
      ['getPresence of a bad room', ['getPresence', '../x'], 'invalid'],
      ['getPresence of a room not joined', ['getPresence', 'secret-room'], 'invalid'],
      ['getPresence with an object', ['getPresence', { room: 'global' }], 'invalid'],
      ['typing with a string flag', ['typing', { room: 'global', typing: 'yes' }], 'invalid'],
      ['typing without room', ['typing', { typing: true }], 'invalid'],
      ['typing in a room not joined', ['typing', { room: 'secret-room', typing: true }], 'invalid'],
      ['typing with extra fields', ['typing', { room: 'global', typing: true, author: 'Eve' }], 'invalid'],
      ['typing as null', ['typing', null], 'invalid'],
      ['deleteMessage with a short key', ['deleteMessage', { room: 'global', seq: '1', deleteKey: 'short' }], 'invalid'],
      ['deleteMessage with a huge key', ['deleteMessage', { room: 'global', seq: '1', deleteKey: 'k'.repeat(200) }], 'too_large'],
      ['deleteMessage with a negative seq', ['deleteMessage', { room: 'global', seq: '-1', deleteKey: 'k'.repeat(30) }], 'invalid'],
      ['deleteMessage with a numeric seq', ['deleteMessage', { room: 'global', seq: 1, deleteKey: 'k'.repeat(30) }], 'invalid'],
      ['deleteMessage without a key', ['deleteMessage', { room: 'global', seq: '1' }], 'invalid'],
      ['deleteMessage as an array', ['deleteMessage', [{ room: 'global', seq: '1', deleteKey: 'k'.repeat(30) }]], 'invalid'],
    ])('%s → %s', async (_name, [event, payload], code) => {
      const eve = await person(`eve-${crypto.randomUUID().slice(0, 8)}`, 'Eve');
      const answer = (await emit(eve.c, event as string, payload)) as { ok: boolean; error?: { code: string; message: string } };
      expect(answer).toMatchObject({ ok: false, error: { code } });
      expect(answer.error!.message.length).toBeGreaterThan(5);
      // Her identity is what the handshake said: a refused identify changed nothing.
      const presence = (await emit(eve.c, 'getPresence', 'global')) as PresenceEvent & { ok: boolean };
      expect(presence.members.filter((m) => m.clientId.startsWith('eve-')).map((m) => m.author)).toEqual(['Eve']);
    });

    test('events without an ack callback are handled, not a crash', async () => {
      const ann = await person('ann-x', 'Ann', 'quiet');
      const bo = await person('bo-x', 'Bo', 'quiet');
      const raw = ann.c.socket as unknown as { emit(event: string, payload: unknown): void };
      raw.emit('typing', { room: 'quiet', typing: true });
      raw.emit('identify', { bad: 1 });
      raw.emit('getPresence', 'quiet');
      raw.emit('deleteMessage', { room: 'quiet', seq: '1', deleteKey: 'k'.repeat(30) });
      await bo.typing.waitFor((t) => t.clientId === 'ann-x' && t.typing);
      expect(await emit(ann.c, 'getPresence', 'quiet')).toMatchObject({ ok: true, count: 2 });
    });

    test('bad handshake auth refuses the connection with a clear error; unknown auth keys are ignored', async () => {
      const refused = (auth: Record<string, unknown>) =>
        connectWithAuth(server.url, auth).then(
          () => 'connected',
          (err: Error & { data?: { code: string } }) => `${err.data?.code}: ${err.message}`,
        );
      expect(await refused({ clientId: 'has space', author: 'Ann' })).toMatch(/^invalid: auth\.clientId/);
      expect(await refused({ clientId: 'ok', author: 'x'.repeat(41) })).toMatch(/^too_large: auth\.author/);
      expect(await refused({ clientId: 42 })).toMatch(/^invalid: auth\.clientId/);
      const fine = await connectWithAuth(server.url, {
        clientId: 'extra-keys',
        author: 'Ann',
        token: 'whatever',
      } satisfies HandshakeAuth & { token: string });
      fine.close();
      // Half an identity (a name without a clientId) is accepted, and not listed.
      const half = await connectWithAuth(server.url, { author: 'Nobody' });
      const listed = (await half.timeout(15_000).emitWithAck('getPresence', 'global')) as PresenceEvent;
      expect(listed.members.some((m) => m.author === 'Nobody')).toBe(false);
      half.close();
    });

    test('a flood of deletes is rate-limited for that socket; the others delete on', async () => {
      const room = 'del-flood';
      const flooder = await person('flood-d', 'Flo', room);
      const ann = await person('ann-fd', 'Ann', room);
      const key = newKey();
      const ack = await ann.c.send({ id: 'keep-or-delete', room, author: 'Ann', text: 'mine', deleteKey: key }, 60_000);
      const seq = ack.ok ? ack.seq : '';
      const answers = (await Promise.all(
        Array.from({ length: 20 }, () => emit(flooder.c, 'deleteMessage', { room, seq, deleteKey: newKey() })),
      )) as { ok: boolean; error: { code: string } }[];
      const codes = answers.map((a) => a.error.code);
      expect(codes).toContain('rate_limited');
      expect(codes.filter((c) => c !== 'rate_limited').every((c) => c === 'forbidden')).toBe(true);
      expect((await history(server.url, room)).map((m) => m.text)).toEqual(['mine']);
      expect(await emit(ann.c, 'deleteMessage', { room, seq, deleteKey: key })).toEqual({ ok: true, room, seq });
    });
  });
});

describe('secrets stay out of the logs', () => {
  const backend = new TestBackend('embedded');
  afterAll(() => backend.teardown());

  test('at trace level, neither a delete key, its hash nor a tried token appears in any log line', async () => {
    await backend.setup();
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(chunk.toString()), done()) });
    const s = await startServer(await backend.env({ ADMIN_TOKEN }), pino({ level: 'trace' }, sink));
    try {
      const key = newKey();
      const c = await ChatClient.connect(s.url, { auth: { clientId: 'log-c', author: 'Lou' } });
      const ack = await c.send({ id: 'logged', author: 'Lou', text: 'x', deleteKey: key });
      const seq = ack.ok ? ack.seq : '';
      await c.socket.timeout(5000).emitWithAck('deleteMessage', { room: 'global', seq, deleteKey: newKey() });
      expect(await c.socket.timeout(5000).emitWithAck('deleteMessage', { room: 'global', seq, deleteKey: key })).toMatchObject({
        ok: true,
      });
      await fetch(`${s.url}/messages/global/${seq}`, { method: 'DELETE', headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } });
      c.close();
      const all = lines.join('');
      expect(all).toContain('message deleted');
      for (const secret of [key, crypto.createHash('sha256').update(key).digest('hex'), ADMIN_TOKEN]) expect(all).not.toContain(secret);
    } finally {
      await s.close();
    }
  });
});

describe('moderation switched off and rate-limited (embedded)', () => {
  const backend = new TestBackend('embedded');
  afterAll(() => backend.teardown());

  test('without ADMIN_TOKEN the route answers 404 whatever the token', async () => {
    await backend.setup();
    const s = await backend.start(await backend.env());
    const res = await fetch(`${s.url}/messages/global/1`, { method: 'DELETE', headers: { Authorization: 'Bearer anything-at-all-here' } });
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { code: 'not_found', message: expect.stringMatching(/ADMIN_TOKEN/) } });
    await s.close();
  });

  test('guessing the token is rate-limited per address (429), before the token is even compared', async () => {
    const s = await backend.start(await backend.env({ ADMIN_TOKEN }));
    const statuses: number[] = [];
    for (let i = 0; i < 32; i++) {
      statuses.push(
        (await fetch(`${s.url}/messages/global/1`, { method: 'DELETE', headers: { Authorization: `Bearer guess-${i}` } })).status,
      );
    }
    expect(statuses.slice(0, 30).every((st) => st === 403)).toBe(true);
    expect(statuses.slice(30)).toEqual([429, 429]);
    const right = await fetch(`${s.url}/messages/global/1`, { method: 'DELETE', headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(right.status).toBe(429);
    await s.close();
  });
});
