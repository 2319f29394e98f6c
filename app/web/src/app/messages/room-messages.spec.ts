import { TestBed } from '@angular/core/testing';
import { formatSeq, type ChatMessage } from '@chat/protocol';
import { FETCH } from '../config/fetch';
import { FakeChatSocket, provideFakeSocket } from '../testing/fake-chat-socket';
import { msg } from '../testing/chat-message';
import { fakeFetch } from '../testing/fake-fetch';
import { ActiveRoom } from '../rooms/active-room';
import { JOIN_RETRY_MS, RoomMessages } from './room-messages';

/** The history server of these tests: `seqs` per room, pages newest first like the real one. */
function historyServer(rooms: Record<string, ChatMessage[]>) {
  return fakeFetch((url) => {
    const all = rooms[url.searchParams.get('room') ?? 'global'] ?? [];
    const before = url.searchParams.get('before');
    const limit = Number(url.searchParams.get('limit') ?? 50);
    const older = before ? all.filter((m) => m.seq < before) : all;
    const page = older.slice(-limit);
    return { body: { messages: page, nextBefore: older.length > page.length ? page[0].seq : null } };
  });
}

const flush = () => new Promise((r) => setTimeout(r, 0));

function setup(rooms: Record<string, ChatMessage[]> = {}) {
  localStorage.clear();
  const socket = new FakeChatSocket();
  const net = historyServer(rooms);
  TestBed.configureTestingModule({
    providers: [provideFakeSocket(socket), { provide: FETCH, useValue: net.fetch }],
  });
  return { store: TestBed.inject(RoomMessages), active: TestBed.inject(ActiveRoom), socket, net, rooms };
}

describe('RoomMessages', () => {
  it('opens a room on its newest page, then merges live messages by seq without duplicates', async () => {
    const history = Array.from({ length: 60 }, (_, i) => msg(`m${i + 1}`, i + 1));
    const { store, socket } = setup({ global: history });
    await store.enter('global');
    const room = store.room('global');
    expect(socket.joined).toEqual(['global']);
    expect(room.messages().map((m) => m.id)).toEqual(history.slice(10).map((m) => m.id));
    expect(room.nextBefore()).toBe(formatSeq(11));

    socket.emit('newMessage', msg('m62', 62));
    socket.emit('newMessage', msg('m61', 61));
    // The server broadcasts a redelivered message again: shown once, and not read out again.
    socket.emit('newMessage', msg('m62', 62));
    expect(room.live()?.id).toBe('m61');
    expect(
      room
        .messages()
        .slice(-3)
        .map((m) => m.id),
    ).toEqual(['m60', 'm61', 'm62']);

    await store.loadOlder('global');
    expect(room.messages()).toHaveLength(62);
    expect(room.messages()[0].id).toBe('m1');
    expect(room.nextBefore()).toBeNull();
  });

  it('ignores messages of rooms other than the open one', async () => {
    const { store, socket } = setup({ global: [msg('g1', 1)], other: [msg('o1', 1, 'other')] });
    await store.enter('other');
    socket.emit('newMessage', msg('g2', 2, 'global'));
    expect(
      store
        .room('other')
        .messages()
        .map((m) => m.id),
    ).toEqual(['o1']);
    expect(store.room('global').messages()).toEqual([]);
  });

  it('after a reconnect without recovery, rejoins and catches up from history, walking back to the last seq', async () => {
    const all = Array.from({ length: 5 }, (_, i) => msg(`m${i + 1}`, i + 1));
    const { store, socket, rooms } = setup({ global: all });
    await store.enter('global');
    // 450 messages arrive while this tab is away: more than one catch-up page.
    for (let i = 6; i <= 455; i++) rooms['global'].push(msg(`m${i}`, i));
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
    socket.emit('newMessage', msg('c', 3));
    await flush();
    expect(reads()).toBe(before);
    // 4 was stored and never broadcast; 5 arrives live.
    rooms['global'].push(msg('d', 4), msg('e', 5));
    socket.emit('newMessage', msg('e', 5));
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
    const { store, active, socket } = setup();
    await store.enter('global');
    await store.enter('team');
    expect(socket.left).toEqual([]);
    expect(active.name()).toBe('team');
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
    rooms['b'].push(msg('b2', 2, 'b'));
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
    socket.emit('newMessage', msg('b3', 3, 'b'));
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

  it('a private room one is not a member of (forbidden) says how to get in, and is not asked again', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const { store, socket } = setup();
      socket.refuseJoin = { code: 'forbidden', message: 'not a member of team' };
      await store.enter('team');
      expect(store.joinProblem()).toBe('#team is private: ask one of its members for an invite link.');
      const tries = socket.joined.length;
      await vi.advanceTimersByTimeAsync(JOIN_RETRY_MS * 3);
      expect(socket.joined).toHaveLength(tries);
      // A membership granted (an invite accepted): joined, and the banner gone.
      socket.refuseJoin = null;
      await store.rejoin();
      expect(socket.rooms.has('team')).toBe(true);
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
    for (let i = 6; i <= 2105; i++) rooms['global'].push(msg(`m${i}`, i));
    socket.reconnect(false);
    const room = store.room('global');
    await vi.waitFor(() => expect(room.nextBefore()).not.toBeNull());
    expect(room.messages()).toHaveLength(2000);
    expect(room.messages()[0].id).toBe('m106');
    while (room.nextBefore()) await store.loadOlder('global');
    expect(room.messages().map((m) => m.id)).toEqual(rooms['global'].map((m) => m.id));
  });
});
