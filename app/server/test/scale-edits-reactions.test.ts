import crypto from 'node:crypto';
import webpush from 'web-push';
import type { ChatMessage, EditAck, MessageEditedEvent, OkAck, PushPayload, ReactAck, ReactionsEvent } from '@chat/protocol';
import { Cluster } from './support/cluster';
import { ChatClient } from './support/chat-client';
import { eventually } from './support/eventually';
import { fullHistory, history } from './support/history';
import { Recorder } from './support/recorder';
import { LoopbackPushService, PushBrowser } from './support/push-service';

const key = () => crypto.randomBytes(24).toString('base64url');

/** The text a client shows after applying `messageEdited` events as the protocol says: only a later `editedAt` wins. */
function shownText(sent: string, events: MessageEditedEvent[], seq: string): { text: string; editedAt?: string } {
  let shown: { text: string; editedAt?: string } = { text: sent };
  for (const e of events)
    if (e.seq === seq && (shown.editedAt === undefined || e.editedAt > shown.editedAt)) shown = { text: e.text, editedAt: e.editedAt };
  return shown;
}

/** The counts a client shows after applying `reactions` events as the protocol says: only a higher `version` wins. */
function shownCounts(events: ReactionsEvent[], seq: string): ReactionsEvent['counts'] {
  let shown: ReactionsEvent | undefined;
  for (const e of events) if (e.seq === seq && (shown === undefined || e.version > shown.version)) shown = e;
  return shown?.counts ?? {};
}

const sameCounts = (a: ReactionsEvent['counts'], b: ReactionsEvent['counts']) =>
  JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort());

/**
 * Edits, reactions and replies with two servers on one Redis and one DynamoDB (moto): the store orders a message's
 * edits and numbers its reaction changes, so clients on either server end with what history holds.
 */
describe('edits, reactions, replies and Web Push across two servers', () => {
  const cluster = new Cluster();
  const clients: ChatClient[] = [];
  const pushService = new LoopbackPushService();
  const vapid = webpush.generateVAPIDKeys();
  beforeAll(async () => {
    await pushService.start();
    await cluster.start({
      servers: 2,
      env: {
        VAPID_PUBLIC_KEY: vapid.publicKey,
        VAPID_PRIVATE_KEY: vapid.privateKey,
        VAPID_SUBJECT: 'mailto:ops@example.com',
        PUSH_ALLOW_HTTP: 'true',
      },
    });
  }, 180_000);
  afterAll(async () => {
    for (const c of clients) c.close();
    await cluster.stop();
    await pushService.stop();
  });

  const person = async (server: 0 | 1, clientId: string, author: string, room: string) => {
    const c = new ChatClient(cluster.servers[server]!.url, { auth: { clientId, author } });
    clients.push(c);
    const p = {
      c,
      edited: new Recorder<MessageEditedEvent>(c.socket, 'messageEdited'),
      reactions: new Recorder<ReactionsEvent>(c.socket, 'reactions'),
    };
    await c.connected();
    expect(await c.join(room)).toEqual({ ok: true, room });
    return p;
  };
  /** As a real client: `unavailable` or no answer (moto is slow under bursts) is sent again, unchanged. */
  const until = async <A extends { ok: boolean; error?: { code: string } }>(c: ChatClient, event: string, payload: unknown): Promise<A> => {
    const socket = c.socket as unknown as { timeout(ms: number): { emitWithAck(e: string, p: unknown): Promise<A> } };
    for (let n = 1; ; n++) {
      try {
        const ack = await socket.timeout(30_000).emitWithAck(event, payload);
        if (ack.ok || ack.error?.code !== 'unavailable' || n >= 10) return ack;
      } catch {
        if (n >= 10) throw new Error(`${event}: no answer after ${n} tries`);
      }
    }
  };

  test('concurrent edits from both servers: one order in history and on every client; a stranger is refused', async () => {
    const room = 'edits';
    const ann = await person(0, 'ann-e', 'Ann', room);
    const annTab = await person(1, 'ann-e', 'Ann', room);
    const bo = await person(1, 'bo-e', 'Bo', room);
    const k = key();
    const sent = await ann.c.sendUntilAcked({ id: 'e-1', room, author: 'Ann', text: 'teh first', deleteKey: k });
    expect(sent.ok).toBe(true);
    const seq = sent.ok ? sent.seq : '';

    expect(await until<EditAck>(bo.c, 'editMessage', { room, seq, text: 'hijacked', deleteKey: key() })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    // Her two tabs, on different servers, edit at once, several times each.
    const texts = ['v-a1', 'v-b1', 'v-a2', 'v-b2', 'v-a3', 'v-b3'];
    const acks = await Promise.all(
      texts.map((text, i) => until<EditAck>(i % 2 === 0 ? ann.c : annTab.c, 'editMessage', { room, seq, text, deleteKey: k })),
    );
    for (const a of acks) expect(a.ok).toBe(true);
    const times = acks.map((a) => (a.ok ? a.editedAt : ''));
    expect(new Set(times).size).toBe(texts.length);
    // A retry of an edit already in place changes nothing and is still ok.
    const stored = (await fullHistory(cluster.servers[0]!.url, room)).find((m) => m.seq === seq)!;
    const latest = texts[times.indexOf([...times].sort().at(-1)!)]!;
    expect(stored).toMatchObject({ text: latest, editedAt: [...times].sort().at(-1) });
    expect(await until<EditAck>(ann.c, 'editMessage', { room, seq, text: latest, deleteKey: k })).toEqual({
      ok: true,
      room,
      seq,
      editedAt: stored.editedAt,
    });
    // Every client, on either server, ends with history's text by applying the events by editedAt.
    for (const p of [ann, annTab, bo]) {
      await eventually(
        () => p.edited.items.filter((e) => e.seq === seq).length === texts.length,
        30_000,
        'every edit reached every client',
        () => JSON.stringify(p.edited.items),
      );
      expect(shownText('teh first', p.edited.items, seq)).toEqual({ text: stored.text, editedAt: stored.editedAt });
    }
    expect((await fullHistory(cluster.servers[1]!.url, room)).find((m) => m.seq === seq)).toEqual(stored);

    // A deleted message cannot be edited.
    expect(await until(ann.c, 'deleteMessage', { room, seq, deleteKey: k })).toEqual({ ok: true, room, seq });
    expect(await until<EditAck>(annTab.c, 'editMessage', { room, seq, text: 'too late', deleteKey: k })).toMatchObject({
      ok: false,
      error: { code: 'invalid', message: 'the message was deleted' },
    });
  }, 180_000);

  test('reactions toggled at once on both servers, with retries: the same counts in history and on every client', async () => {
    const room = 'reacts';
    const people = await Promise.all(['ann', 'bo', 'cy', 'di'].map((name, i) => person(i % 2 === 0 ? 0 : 1, `${name}-r`, name, room)));
    const sent = await people[0]!.c.sendUntilAcked({ id: 'r-1', room, author: 'ann', text: 'react to me' });
    const seq = sent.ok ? sent.seq : '';
    // Everyone turns 👍 on twice at once (a retry); ann and bo turn 🎉 on, then bo turns it off again.
    await Promise.all(people.flatMap((p) => [1, 2].map(() => until<ReactAck>(p.c, 'react', { room, seq, emoji: '👍', on: true }))));
    await Promise.all(people.slice(0, 2).map((p) => until<ReactAck>(p.c, 'react', { room, seq, emoji: '🎉', on: true })));
    const off = await until<ReactAck>(people[1]!.c, 'react', { room, seq, emoji: '🎉', on: false });
    expect(off).toMatchObject({ ok: true, counts: { '👍': 4, '🎉': 1 }, mine: ['👍'] });
    const expected = { '👍': 4, '🎉': 1 };

    const page = await history(cluster.servers[1]!.url, `room=${room}&clientId=ann-r`);
    expect(page.messages.find((m) => m.seq === seq)).toMatchObject({
      reactions: expected,
      myReactions: expect.arrayContaining(['👍', '🎉']),
    });
    const bosView = await history(cluster.servers[0]!.url, `room=${room}&clientId=bo-r`);
    expect(bosView.messages.find((m) => m.seq === seq)).toMatchObject({ reactions: expected, myReactions: ['👍'] });
    for (const p of people)
      await eventually(
        () => sameCounts(shownCounts(p.reactions.items, seq), expected),
        30_000,
        `the counts ${JSON.stringify(expected)} on a client`,
        () => JSON.stringify(p.reactions.items),
      );

    // Not in the set, or from a socket without an identity: refused, nothing changes.
    expect(await until<ReactAck>(people[0]!.c, 'react', { room, seq, emoji: '🦄', on: true })).toMatchObject({
      ok: false,
      error: { code: 'invalid' },
    });
    const anonymous = new ChatClient(cluster.servers[0]!.url);
    clients.push(anonymous);
    await anonymous.connected();
    await anonymous.join(room);
    expect(await until<ReactAck>(anonymous, 'react', { room, seq, emoji: '👍', on: true })).toMatchObject({
      ok: false,
      error: { code: 'invalid' },
    });
  }, 180_000);

  test('a reply names a message of its room; history and newMessage carry it; a reply to nothing is refused', async () => {
    const room = 'replies';
    const ann = await person(0, 'ann-p', 'Ann', room);
    const bo = await person(1, 'bo-p', 'Bo', room);
    const first = await ann.c.sendUntilAcked({ id: 'p-1', room, author: 'Ann', text: 'question?' });
    const seq = first.ok ? first.seq : '';
    const reply = await bo.c.sendUntilAcked({ id: 'p-2', room, author: 'Bo', text: 'answer', replyTo: String(BigInt(seq)) });
    expect(reply.ok).toBe(true);
    await ann.c.waitFor((ms: ChatMessage[]) => ms.some((m) => m.id === 'p-2' && m.replyTo === seq), 30_000);
    expect((await fullHistory(cluster.servers[0]!.url, room)).find((m) => m.id === 'p-2')?.replyTo).toBe(seq);
    expect(await bo.c.sendUntilAcked({ id: 'p-3', room, author: 'Bo', text: 'to nothing', replyTo: '999' })).toMatchObject({
      ok: false,
      error: { code: 'invalid', message: expect.stringContaining('replyTo') },
    });
    // A seq of another room is no message of this one.
    expect(await bo.c.sendUntilAcked({ id: 'p-4', room: 'elsewhere', author: 'Bo', text: 'hm', replyTo: seq })).toMatchObject({
      ok: false,
      error: { code: 'invalid', message: expect.stringContaining('replyTo') },
    });
  }, 180_000);

  test('a push reaches a closed tab whichever server stores the message, and none while a socket of the person is in the room on the other server', async () => {
    const bo = new PushBrowser();
    const tab = await person(1, 'bo-w', 'Bo', 'lobby');
    const endpoint = `${pushService.url}/bo-w`;
    expect(
      await until<OkAck>(tab.c, 'subscribePush', {
        subscription: { endpoint, keys: bo.keys() },
        rooms: { watch: 'all', ping: 'mentions' },
      }),
    ).toEqual({
      ok: true,
    });
    const ann = await person(0, 'ann-w', 'Ann', 'watch');
    // Bo's socket on server b is in `watch`: whichever server stores Ann's message sees it there.
    await until(tab.c, 'join', 'watch');
    await ann.c.sendUntilAcked({ id: 'w-live', room: 'watch', author: 'Ann', text: 'Bo sees this live' });
    await tab.c.waitFor((r) => r.some((m) => m.id === 'w-live'), 30_000);
    // A mention in a room Bo's socket is not in is pushed even while he is connected; once it arrives, the earlier
    // message's notification has long been decided (with Bo's socket in `watch`) before his tab closes.
    await ann.c.sendUntilAcked({ id: 'p-mention', room: 'ping', author: 'Ann', text: 'ping @Bo' });
    const ids = () => pushService.requests.filter((r) => r.path === '/bo-w').map((r) => (JSON.parse(bo.decrypt(r.body)) as PushPayload).id);
    await eventually(
      () => ids().includes('p-mention'),
      30_000,
      'the mention pushed to Bo',
      () => ids().join(),
    );
    // His tab closes: the next message in `watch` is pushed.
    tab.c.close();
    await ann.c.sendUntilAcked({ id: 'w-closed', room: 'watch', author: 'Ann', text: 'Bo is away' });
    await eventually(
      () => ids().includes('w-closed'),
      30_000,
      'the "all" room pushed to Bo once his tab closed',
      () => ids().join(),
    );
    expect(ids()).not.toContain('w-live');
  }, 180_000);
});
