import crypto from 'node:crypto';
import type { MessageDeletedEvent, PresenceEvent, TypingEvent } from '@chat/protocol';
import { Cluster } from './support/cluster';
import { ChatClient } from './support/chat-client';
import { Recorder } from './support/recorder';

const ADMIN_TOKEN = 'cluster-moderator-token-0123456789';
const names = (p: PresenceEvent) => p.members.map((m) => m.author).join(',');

/**
 * Presence, typing and deletes with two servers on one Redis (Socket.IO's Redis streams adapter): what a socket on
 * one server does reaches the sockets on the other, and presence is computed over both.
 */
describe('presence, typing and deletes across two servers', () => {
  const cluster = new Cluster();
  const clients: ChatClient[] = [];
  beforeAll(() => cluster.start({ servers: 2, env: { ADMIN_TOKEN } }), 180_000);
  afterAll(async () => {
    for (const c of clients) c.close();
    await cluster.stop();
  });

  const person = async (server: 0 | 1, clientId: string, author: string, room: string) => {
    const c = new ChatClient(cluster.servers[server]!.url, { auth: { clientId, author } });
    clients.push(c);
    const p = {
      c,
      presence: new Recorder<PresenceEvent>(c.socket, 'presence'),
      typing: new Recorder<TypingEvent>(c.socket, 'typing'),
      deleted: new Recorder<MessageDeletedEvent>(c.socket, 'messageDeleted'),
    };
    await c.connected();
    expect(await c.join(room)).toEqual({ ok: true, room });
    return p;
  };
  const emit = (c: ChatClient, event: string, ...args: unknown[]) =>
    (c.socket as unknown as { timeout(ms: number): { emitWithAck(e: string, ...a: unknown[]): Promise<unknown> } })
      .timeout(30_000)
      .emitWithAck(event, ...args);

  test('presence counts people on both servers once; typing and deletes reach the other server', async () => {
    const room = 'both';
    const ann = await person(0, 'ann-x', 'Ann', room);
    const bo = await person(1, 'bo-x', 'Bo', room);
    await ann.presence.waitFor((p) => p.room === room && names(p) === 'Ann,Bo', 30_000);
    await bo.presence.waitFor((p) => p.room === room && names(p) === 'Ann,Bo', 30_000);
    // Ann's second tab lands on the other server: still two people, on either server.
    const annTab = await person(1, 'ann-x', 'Ann', room);
    expect(await emit(ann.c, 'getPresence', room)).toMatchObject({ ok: true, count: 2 });
    expect(await emit(annTab.c, 'getPresence', room)).toMatchObject({ ok: true, count: 2 });

    let mark = ann.typing.items.length;
    expect(await emit(bo.c, 'typing', { room, typing: true })).toEqual({ ok: true });
    expect(await ann.typing.waitFor(() => true, 30_000, mark)).toEqual({ room, clientId: 'bo-x', author: 'Bo', typing: true });

    const key = crypto.randomBytes(24).toString('base64url');
    // Moto is slow under bursts: a real client resends `unavailable` with the same id.
    const ack = await ann.c.sendUntilAcked({ id: 'x-oops', room, author: 'Ann', text: 'oops', deleteKey: key });
    expect(ack.ok).toBe(true);
    const seq = ack.ok ? ack.seq : '';
    expect(await emit(bo.c, 'deleteMessage', { room, seq, deleteKey: crypto.randomBytes(24).toString('base64url') })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    // Her other tab, on the other server, holds the same key.
    expect(await emit(annTab.c, 'deleteMessage', { room, seq, deleteKey: key })).toEqual({ ok: true, room, seq });
    await ann.deleted.waitFor((d) => d.seq === seq, 30_000);
    await bo.deleted.waitFor((d) => d.seq === seq, 30_000);

    const sendMark = ann.typing.items.length;
    const rude = await bo.c.sendUntilAcked({ id: 'x-rude', room, author: 'Bo', text: 'rude' });
    expect(rude.ok).toBe(true);
    const rudeSeq = rude.ok ? rude.seq : '';
    const res = await fetch(`${cluster.servers[1]!.url}/messages/${room}/${rudeSeq}`, {
      method: 'DELETE',
      headers: { Authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(res.status).toBe(200);
    await ann.deleted.waitFor((d) => d.seq === rudeSeq, 30_000);

    // Bo's send ended his typing; he types again, then goes.
    expect(await ann.typing.waitFor((t) => !t.typing, 30_000, sendMark)).toEqual({ room, clientId: 'bo-x', author: 'Bo', typing: false });
    mark = ann.typing.items.length;
    expect(await emit(bo.c, 'typing', { room, typing: true })).toEqual({ ok: true });
    await ann.typing.waitFor((t) => t.typing, 30_000, mark);
    mark = ann.typing.items.length;
    const presenceMark = ann.presence.items.length;
    bo.c.close();
    expect(await ann.typing.waitFor(() => true, 30_000, mark)).toEqual({ room, clientId: 'bo-x', author: 'Bo', typing: false });
    await ann.presence.waitFor((p) => p.room === room && names(p) === 'Ann' && p.count === 1, 30_000, presenceMark);
  }, 180_000);
});
