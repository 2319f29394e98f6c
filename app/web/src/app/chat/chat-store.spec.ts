import { TestBed } from '@angular/core/testing';
import { formatSeq, type ChatMessage } from '@chat/protocol';
import { FETCH } from '../config/fetch';
import { ChatSocket } from '../connection/chat-socket';
import { FakeChatSocket } from '../testing/fake-chat-socket';
import { msg } from '../testing/chat-message';
import { fakeFetch } from '../testing/fake-fetch';
import { UploadClient } from '../composer/upload-client';
import { ChatStore, JOIN_RETRY_MS } from './chat-store';
import { deleteKey } from '../identity/browser-identity';

/** The history server of these tests: `seqs` per room, pages newest first like the real one. */
function historyServer(rooms: Record<string, ChatMessage[]>) {
  return fakeFetch((url) => {
    const all = rooms[url.searchParams.get('room') ?? 'global'] ?? [];
    const before = url.searchParams.get('before');
    const limit = Number(url.searchParams.get('limit') ?? 50);
    const older = before ? all.filter((m) => m.seq < before) : all;
    const page = older.slice(-limit);
    return { body: { messages: page, nextBefore: older.length > page.length ? page[0]!.seq : null } };
  });
}

const flush = () => new Promise((r) => setTimeout(r, 0));

function setup(rooms: Record<string, ChatMessage[]> = {}) {
  localStorage.clear();
  const socket = new FakeChatSocket();
  const net = historyServer(rooms);
  TestBed.configureTestingModule({
    providers: [
      { provide: ChatSocket, useValue: socket },
      { provide: FETCH, useValue: net.fetch },
    ],
  });
  return { store: TestBed.inject(ChatStore), socket, net, rooms };
}

describe('ChatStore', () => {
  it('opens a room on its newest page, then merges live messages by seq without duplicates', async () => {
    const history = Array.from({ length: 60 }, (_, i) => msg(`m${i + 1}`, i + 1));
    const { store, socket } = setup({ global: history });
    await store.enter('global');
    const room = store.room('global');
    expect(socket.joined).toEqual(['global']);
    expect(room.messages().map((m) => m.id)).toEqual(history.slice(10).map((m) => m.id));
    expect(room.nextBefore()).toBe(formatSeq(11));

    socket.deliver(msg('m62', 62));
    socket.deliver(msg('m61', 61));
    // The server broadcasts a redelivered message again: shown once, and not read out again.
    socket.deliver(msg('m62', 62));
    expect(room.live()?.id).toBe('m61');
    expect(
      room
        .messages()
        .slice(-3)
        .map((m) => m.id),
    ).toEqual(['m60', 'm61', 'm62']);

    await store.loadOlder('global');
    expect(room.messages()).toHaveLength(62);
    expect(room.messages()[0]!.id).toBe('m1');
    expect(room.nextBefore()).toBeNull();
  });

  it('ignores messages of rooms other than the open one', async () => {
    const { store, socket } = setup({ global: [msg('g1', 1)], other: [msg('o1', 1, 'other')] });
    await store.enter('other');
    socket.deliver(msg('g2', 2, 'global'));
    expect(
      store
        .room('other')
        .messages()
        .map((m) => m.id),
    ).toEqual(['o1']);
    expect(store.room('global').messages()).toEqual([]);
  });

  it('shows a send as pending at once, then sent on the ack', async () => {
    const { store, socket } = setup();
    await store.enter('global');
    const o = store.sendText('global', 'ann', 'hello');
    const room = store.room('global');
    expect(room.entries().map((e) => [e.text, e.outgoing?.status])).toEqual([['hello', 'pending']]);
    // With this browser's deleteKey, so that only it can delete the message later.
    expect(socket.sent[0]!.message).toEqual({ id: o.id, room: 'global', author: 'ann', text: 'hello', deleteKey: deleteKey() });
    expect(deleteKey()).toMatch(/^[A-Za-z0-9_-]{22,128}$/);

    socket.sent[0]!.reply({ ok: true, id: o.id, seq: formatSeq(1) });
    await flush();
    expect(room.findOutgoing(o.id)?.status).toBe('sent');

    socket.deliver({ ...msg(o.id, 1), author: 'ann', text: 'hello' });
    expect(room.entries()).toHaveLength(1);
    expect(room.entries()[0]!.sentAt).toBeDefined();
  });

  it('marks a refused send failed with the reason, and a retry reuses the same id', async () => {
    const { store, socket } = setup();
    await store.enter('global');
    const o = store.sendText('global', 'ann', 'too fast');
    socket.sent[0]!.reply({ ok: false, error: { code: 'rate_limited', message: 'slow down' } });
    await flush();
    const room = store.room('global');
    expect(room.findOutgoing(o.id)?.status).toBe('failed');
    expect(room.findOutgoing(o.id)?.error).toMatch(/Too many messages/);

    store.retry('global', o.id);
    expect(room.findOutgoing(o.id)?.status).toBe('pending');
    expect(socket.sent).toHaveLength(2);
    expect(socket.sent[1]!.message.id).toBe(o.id);
    socket.sent[1]!.reply({ ok: true, id: o.id, seq: formatSeq(7) });
    await flush();
    expect(room.findOutgoing(o.id)?.status).toBe('sent');
    expect(room.outgoing()).toHaveLength(1);
  });

  it('fails at once while offline instead of queueing', async () => {
    const { store, socket } = setup();
    await store.enter('global');
    socket.connected = false;
    const o = store.sendText('global', 'ann', 'anyone?');
    await flush();
    expect(store.room('global').findOutgoing(o.id)).toMatchObject({ status: 'failed', error: 'You are offline' });
    expect(socket.sent).toHaveLength(0);
  });

  it('treats a message seen back from the server as sent even if its ack was lost', async () => {
    const { store, socket } = setup();
    await store.enter('global');
    const o = store.sendText('global', 'ann', 'hi');
    socket.sent[0]!.reply({ ok: false, error: { code: 'unavailable', message: 'No answer from the server' } });
    await flush();
    socket.deliver({ ...msg(o.id, 3), author: 'ann', text: 'hi' });
    const room = store.room('global');
    expect(room.entries().map((e) => [e.id, e.outgoing?.status])).toEqual([[o.id, 'sent']]);
    store.retry('global', o.id);
    expect(socket.sent).toHaveLength(1);
  });

  it('after a reconnect without recovery, rejoins and catches up from history, walking back to the last seq', async () => {
    const all = Array.from({ length: 5 }, (_, i) => msg(`m${i + 1}`, i + 1));
    const { store, socket, rooms } = setup({ global: all });
    await store.enter('global');
    // 450 messages arrive while this tab is away: more than one catch-up page.
    for (let i = 6; i <= 455; i++) rooms['global']!.push(msg(`m${i}`, i));
    socket.reconnect(false);
    await vi.waitFor(() => expect(store.room('global').messages()).toHaveLength(455));
    const ids = store
      .room('global')
      .messages()
      .map((m) => m.id);
    expect(new Set(ids).size).toBe(455);
    expect(ids.at(-1)).toBe('m455');
    expect(socket.joined).toEqual(['global', 'global']);
  });

  it('fills a gap from history when a live seq skips one (stored by a server that stopped before broadcasting it)', async () => {
    const { store, socket, net, rooms } = setup({ global: [msg('a', 1), msg('b', 2)] });
    await store.enter('global');
    const reads = () => net.calls.filter((u) => u.pathname === '/history').length;
    const before = reads();
    socket.deliver(msg('c', 3));
    await flush();
    expect(reads()).toBe(before);
    // 4 was stored and never broadcast; 5 arrives live.
    rooms['global']!.push(msg('d', 4), msg('e', 5));
    socket.deliver(msg('e', 5));
    await vi.waitFor(() =>
      expect(
        store
          .room('global')
          .messages()
          .map((m) => m.id),
      ).toEqual(['a', 'b', 'c', 'd', 'e']),
    );
    expect(reads()).toBe(before + 1);
  });

  it('reads the first room once on page load: the read waits for the first connect and serves as its catch-up', async () => {
    const { store, socket, net } = setup({ global: [msg('a', 1), msg('b', 2)] });
    socket.connected = false; // the page starts before the socket chunk has connected
    const entering = store.enter('global');
    await flush();
    socket.reconnect(false);
    await entering;
    await flush();
    expect(
      store
        .room('global')
        .messages()
        .map((m) => m.id),
    ).toEqual(['a', 'b']);
    expect(socket.joined).toEqual(['global']);
    expect(net.calls.filter((u) => u.pathname === '/history')).toHaveLength(1);
  });

  it('still fills the first room from history when the first connect fails', async () => {
    const { store, socket, net } = setup({ global: [msg('a', 1)] });
    socket.connected = false;
    const entering = store.enter('global');
    await flush();
    socket.connectFailed();
    await entering;
    expect(
      store
        .room('global')
        .messages()
        .map((m) => m.id),
    ).toEqual(['a']);
    expect(net.calls).toHaveLength(1);
    // The connect that comes later still catches up, since the read began before the join.
    socket.reconnect(false);
    await vi.waitFor(() => expect(net.calls).toHaveLength(2));
  });

  it('does nothing extra after a recovered reconnect in the same room (Socket.IO replayed the missed events)', async () => {
    const { store, socket, net } = setup({ global: [msg('a', 1)] });
    await store.enter('global');
    const calls = net.calls.length;
    const joins = socket.joined.length;
    socket.reconnect(true);
    await flush();
    expect(net.calls.length).toBe(calls);
    expect(socket.joined.length).toBe(joins);
  });

  it('stays in the listed rooms when switching (for their unread counts), and leaves a room taken off the list', async () => {
    const { store, socket } = setup();
    await store.enter('global');
    await store.enter('team');
    expect(socket.left).toEqual([]);
    expect(store.activeRoom()).toBe('team');
    expect([...socket.rooms].sort()).toEqual(['global', 'team']);
    // Forgetting the open room leaves it once another one is open.
    await store.forget('team');
    expect([...socket.rooms].sort()).toEqual(['global', 'team']);
    await store.enter('global');
    expect(socket.left).toEqual(['team']);
    expect([...socket.rooms]).toEqual(['global']);
  });

  it('joins every listed room again on each new session', async () => {
    const { store, socket } = setup();
    await store.enter('team');
    await store.enter('other');
    socket.reconnect(false);
    await vi.waitFor(() => expect([...socket.rooms].sort()).toEqual(['global', 'other', 'team']));
    expect(socket.joined.filter((r) => r === 'team')).toHaveLength(2);
    expect(socket.left).toEqual([]);
  });

  it('joins the room switched to while offline when a restored session comes back, and catches it up', async () => {
    const { store, socket, rooms } = setup({ a: [msg('a1', 1, 'a')], b: [msg('b1', 1, 'b')] });
    await store.enter('a');
    socket.disconnect();
    await store.enter('b');
    rooms['b']!.push(msg('b2', 2, 'b'));
    socket.reconnect(true);
    await vi.waitFor(() => expect([...socket.rooms].sort()).toEqual(['a', 'b', 'global']));
    expect(socket.joined).toContain('b');
    await vi.waitFor(() =>
      expect(
        store
          .room('b')
          .messages()
          .map((m) => m.id),
      ).toEqual(['b1', 'b2']),
    );
    socket.deliver(msg('b3', 3, 'b'));
    expect(
      store
        .room('b')
        .messages()
        .map((m) => m.id),
    ).toEqual(['b1', 'b2', 'b3']);
  });

  it('says so when a join is refused, and tries again', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const { store, socket } = setup();
      socket.refuseJoin = { code: 'unavailable', message: 'busy' };
      await store.enter('team');
      expect(store.joinProblem()).toMatch(/#team: busy/);
      expect([...socket.rooms]).toEqual(['global']); // where every session starts
      socket.refuseJoin = null;
      await vi.advanceTimersByTimeAsync(JOIN_RETRY_MS);
      expect([...socket.rooms].sort()).toEqual(['global', 'team']);
      expect(store.joinProblem()).toBeNull();
    } finally {
      vi.useRealTimers();
    }
  });

  it('keeps older messages reachable on returning to a room that was empty', async () => {
    const { store, rooms } = setup({ empty: [] });
    await store.enter('empty');
    await store.enter('global');
    rooms['empty'] = Array.from({ length: 60 }, (_, i) => msg(`e${i + 1}`, i + 1, 'empty'));
    await store.enter('empty');
    expect(store.room('empty').messages()).toHaveLength(50);
    expect(store.room('empty').nextBefore()).toBe(formatSeq(11));
  });

  it('after missing more than a catch-up can walk back, keeps the newest pages gap-free and loads older from there', async () => {
    const all = Array.from({ length: 5 }, (_, i) => msg(`m${i + 1}`, i + 1));
    const { store, socket, rooms } = setup({ global: all });
    await store.enter('global');
    for (let i = 6; i <= 2105; i++) rooms['global']!.push(msg(`m${i}`, i));
    socket.reconnect(false);
    const room = store.room('global');
    await vi.waitFor(() => expect(room.nextBefore()).not.toBeNull());
    expect(room.messages()).toHaveLength(2000);
    expect(room.messages()[0]!.id).toBe('m106');
    while (room.nextBefore()) await store.loadOlder('global');
    expect(room.messages().map((m) => m.id)).toEqual(rooms['global']!.map((m) => m.id));
  });

  it("drops an image's File once uploaded and the whole send once the server has it", async () => {
    const revoke = vi.fn();
    vi.stubGlobal('URL', Object.assign(class extends URL {}, { createObjectURL: () => 'blob:preview', revokeObjectURL: revoke }));
    try {
      const { store, socket } = setup();
      const uploads = TestBed.inject(UploadClient);
      vi.spyOn(uploads, 'target').mockResolvedValue({
        method: 'PUT',
        url: '/uploads/k',
        key: 'rooms/global/k.png',
        headers: {},
        expiresIn: 300,
        maxBytes: 1000,
      });
      vi.spyOn(uploads, 'send').mockResolvedValue();
      await store.enter('global');
      const file = new File([new Uint8Array([137, 80, 78, 71])], 'cat.png', { type: 'image/png' });
      expect(store.sendImage('global', 'ann', file)).toBeNull();
      await vi.waitFor(() => expect(socket.sent).toHaveLength(1));
      const room = store.room('global');
      const id = socket.sent[0]!.message.id;
      expect(room.findOutgoing(id)?.image).toEqual({ previewUrl: 'blob:preview', key: 'rooms/global/k.png', uploaded: true });
      socket.sent[0]!.reply({ ok: true, id, seq: formatSeq(1) });
      socket.deliver({ ...msg(id, 1), author: 'ann', text: undefined, imageUrl: '/images/rooms/global/k.png' });
      expect(room.outgoing()).toEqual([]);
      expect(revoke).toHaveBeenCalledWith('blob:preview');
      expect(room.entries().map((e) => [e.id, e.outgoing?.status])).toEqual([[id, 'sent']]);
    } finally {
      vi.unstubAllGlobals();
    }
  });
});
