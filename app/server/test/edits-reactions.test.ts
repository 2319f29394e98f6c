import crypto from 'node:crypto';
import type { EditAck, MessageEditedEvent, ReactAck, ReactionsEvent } from '@chat/protocol';
import type { RunningServer } from '../src';
import { TestBackend } from './support/backends';
import { ChatClient } from './support/chat-client';
import { history } from './support/history';
import { Recorder } from './support/recorder';

/**
 * Edits, reactions and replies through one embedded server (SQLite), the way a browser uses them; the same across
 * two servers on DynamoDB is scale-edits-reactions.test.ts.
 */
describe('edits, reactions and replies (embedded)', () => {
  const backend = new TestBackend('embedded');
  let server: RunningServer;
  const clients: ChatClient[] = [];
  beforeAll(async () => {
    await backend.setup();
    server = await backend.start(await backend.env({ REACTION_EMOJI: '👍,🎉' }));
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await server.close();
    await backend.teardown();
  });
  const person = async (clientId: string, room: string) => {
    const c = await ChatClient.connect(server.url, { auth: { clientId, author: clientId } });
    clients.push(c);
    await c.join(room);
    return c;
  };
  const emit = <A>(c: ChatClient, event: string, payload: unknown) =>
    (c.socket as unknown as { timeout(ms: number): { emitWithAck(e: string, p: unknown): Promise<A> } })
      .timeout(15_000)
      .emitWithAck(event, payload);

  test('an edit reaches the room and history keeps its text and time; the wrong key, a bad text and a missing message are refused', async () => {
    const ann = await person('ann', 'e');
    const bo = await person('bo', 'e');
    const edited = new Recorder<MessageEditedEvent>(bo.socket, 'messageEdited');
    const key = crypto.randomBytes(24).toString('base64url');
    const sent = await ann.send({ id: 'e1', room: 'e', author: 'ann', text: 'helo', deleteKey: key });
    const seq = sent.ok ? sent.seq : '';
    const ack = await emit<EditAck>(ann, 'editMessage', { room: 'e', seq: String(BigInt(seq)), text: 'hello', deleteKey: key });
    expect(ack).toEqual({ ok: true, room: 'e', seq, editedAt: expect.any(String) });
    const editedAt = ack.ok ? ack.editedAt : '';
    expect(await edited.waitFor((e) => e.seq === seq)).toEqual({ room: 'e', seq, id: 'e1', text: 'hello', editedAt });
    expect((await history(server.url, 'room=e')).messages).toEqual([expect.objectContaining({ id: 'e1', text: 'hello', editedAt })]);

    const other = crypto.randomBytes(24).toString('base64url');
    expect(await emit<EditAck>(bo, 'editMessage', { room: 'e', seq, text: 'mine now', deleteKey: other })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    expect(await emit<EditAck>(ann, 'editMessage', { room: 'e', seq, text: '   ', deleteKey: key })).toMatchObject({
      ok: false,
      error: { code: 'invalid' },
    });
    expect(await emit<EditAck>(ann, 'editMessage', { room: 'e', seq, text: 'x'.repeat(2001), deleteKey: key })).toMatchObject({
      ok: false,
      error: { code: 'too_large' },
    });
    expect(await emit<EditAck>(ann, 'editMessage', { room: 'e', seq: '99', text: 'x', deleteKey: key })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
    expect((await history(server.url, 'room=e')).messages[0]).toMatchObject({ text: 'hello', editedAt });
  });

  test("reactions: counts to the room with a rising version, history with the asker's own; the set and the room are enforced", async () => {
    const ann = await person('ann2', 'r');
    const bo = await person('bo2', 'r');
    const seen = new Recorder<ReactionsEvent>(bo.socket, 'reactions');
    const sent = await ann.send({ id: 'r1', room: 'r', author: 'ann2', text: 'vote' });
    const seq = sent.ok ? sent.seq : '';
    expect(await emit<ReactAck>(ann, 'react', { room: 'r', seq, emoji: '👍', on: true })).toEqual({
      ok: true,
      room: 'r',
      seq,
      counts: { '👍': 1 },
      version: 1,
      mine: ['👍'],
    });
    // A retry changes nothing.
    expect(await emit<ReactAck>(ann, 'react', { room: 'r', seq, emoji: '👍', on: true })).toMatchObject({
      counts: { '👍': 1 },
      version: 1,
    });
    await emit<ReactAck>(bo, 'react', { room: 'r', seq, emoji: '🎉', on: true });
    await seen.waitFor((e) => e.seq === seq && e.version === 2);
    expect(seen.last).toEqual({ room: 'r', seq, counts: { '👍': 1, '🎉': 1 }, version: 2 });
    expect((await history(server.url, 'room=r&clientId=bo2')).messages[0]).toMatchObject({
      reactions: { '👍': 1, '🎉': 1 },
      myReactions: ['🎉'],
    });
    expect((await history(server.url, 'room=r')).messages[0]).not.toHaveProperty('myReactions');

    expect(await emit<ReactAck>(ann, 'react', { room: 'r', seq, emoji: '😂', on: true })).toMatchObject({
      ok: false,
      error: { code: 'invalid', message: 'emoji: one of 👍 🎉' },
    });
    const outsider = await person('cy2', 'elsewhere');
    expect(await emit<ReactAck>(outsider, 'react', { room: 'r', seq, emoji: '👍', on: true })).toMatchObject({
      ok: false,
      error: { code: 'invalid', message: 'room: join r first' },
    });
    const res = await fetch(`${server.url}/config.json`);
    expect(await res.json()).toMatchObject({ reactions: ['👍', '🎉'] });
  });

  test('a reply carries replyTo live and in history', async () => {
    const ann = await person('ann3', 'p');
    const first = await ann.send({ id: 'p1', room: 'p', author: 'ann3', text: 'q' });
    const seq = first.ok ? first.seq : '';
    expect(await ann.send({ id: 'p2', room: 'p', author: 'ann3', text: 'a', replyTo: seq })).toMatchObject({ ok: true });
    await ann.waitFor((r) => r.some((m) => m.id === 'p2' && m.replyTo === seq));
    expect((await history(server.url, 'room=p')).messages.map((m) => m.replyTo)).toEqual([undefined, seq]);
  });

  test("edits and reactions spend the address's budget of store writes, shared with messages, across its sockets", async () => {
    const strict = await backend.start(await backend.env({ ADDRESS_RATE_LIMIT_POINTS: '3' }));
    try {
      const one = await ChatClient.connect(strict.url, { auth: { clientId: 'w1', author: 'w1' } });
      const two = await ChatClient.connect(strict.url, { auth: { clientId: 'w2', author: 'w2' } });
      clients.push(one, two);
      const key = crypto.randomBytes(24).toString('base64url');
      const sent = await one.send({ id: 'w1', author: 'w1', text: 'budget', deleteKey: key });
      const seq = sent.ok ? sent.seq : '';
      expect(await emit<ReactAck>(two, 'react', { room: 'global', seq, emoji: '👍', on: true })).toMatchObject({ ok: true });
      expect(await emit<EditAck>(one, 'editMessage', { room: 'global', seq, text: 'budget!', deleteKey: key })).toMatchObject({ ok: true });
      // Three writes from one address: the fourth, from either socket, is refused and changes nothing.
      expect(await emit<ReactAck>(one, 'react', { room: 'global', seq, emoji: '👍', on: true })).toMatchObject({
        ok: false,
        error: { code: 'rate_limited', message: 'at most 3 messages, edits and reactions per 10 s from one address' },
      });
      expect(await emit<EditAck>(two, 'editMessage', { room: 'global', seq, text: 'x', deleteKey: key })).toMatchObject({
        ok: false,
        error: { code: 'rate_limited' },
      });
      expect((await history(strict.url, 'room=global')).messages[0]).toMatchObject({ text: 'budget!', reactions: { '👍': 1 } });
    } finally {
      await strict.close();
    }
  });
});
