import { TestBed } from '@angular/core/testing';
import { formatSeq, type ChatMessage } from '@chat/protocol';
import { RoomMessages } from '../messages/room-messages';
import { SendStore } from '../sending/send-store';
import { ActiveRoom } from '../rooms/active-room';
import { FETCH } from '../config/fetch';
import { PageVisibility } from '../shared/page-visibility';
import { UnreadTitle } from './unread-title';
import { FakeChatSocket, provideFakeSocket } from '../testing/fake-chat-socket';
import { msg } from '../testing/chat-message';
import { fakeFetch } from '../testing/fake-fetch';
import { RoomListStore } from '../rooms/room-list-store';
import { UnreadStore } from './unread-store';
import { RoomList } from './room-list';
import { IdentityStore } from '../identity/identity-store';

function setup(history: Record<string, ChatMessage[]> = {}, storage: Record<string, unknown> = {}) {
  localStorage.clear();
  for (const [k, v] of Object.entries(storage)) localStorage.setItem(k, JSON.stringify(v));
  const socket = new FakeChatSocket();
  const net = fakeFetch((url) => {
    const all = history[url.searchParams.get('room') ?? 'global'] ?? [];
    return { body: { messages: all.slice(-Number(url.searchParams.get('limit'))), nextBefore: null } };
  });
  TestBed.configureTestingModule({
    providers: [provideFakeSocket(socket), { provide: FETCH, useValue: net.fetch }],
  });
  const chat = TestBed.inject(RoomMessages);
  const active = TestBed.inject(ActiveRoom);
  const unread = TestBed.inject(UnreadStore);
  return { sending: TestBed.inject(SendStore), active, socket, chat, unread, page: TestBed.inject(PageVisibility) };
}

const counts = (unread: UnreadStore) => Object.fromEntries([...unread.byRoom()].map(([room, u]) => [room, u.count]));

describe('UnreadStore', () => {
  it('counts the unread messages that mention the reader apart, in the room list too', async () => {
    const { socket, chat, unread } = setup({ team: [msg('t1', 1, 'team')] });
    expect(TestBed.inject(IdentityStore).set('Ann')).toBeNull();
    await chat.enter('team');
    TestBed.tick();
    await chat.enter('global');
    TestBed.tick();
    socket.emit('newMessage', msg('t2', 2, 'team', { text: '@ann can you look?' }));
    socket.emit('newMessage', msg('t3', 3, 'team', { text: 'and @anna too' }));
    expect(unread.byRoom().get('team')).toEqual({ count: 2, more: false, mentions: 1 });
    const list = TestBed.createComponent(RoomList);
    await list.whenStable();
    const team = (list.nativeElement as HTMLElement).querySelector('[data-room=team]')!;
    expect(team.querySelector('.mention-badge')!.textContent.trim()).toBe('@1 · 2');
    expect(team.textContent).toContain('2 unread, 1 mentioning you');
  });

  it("counts others' live messages in the rooms not open, and clears a room on entering it, marking where the new part starts", async () => {
    const { sending, socket, chat, unread } = setup({ team: [msg('t1', 1, 'team')] });
    await chat.enter('team');
    TestBed.tick();
    await chat.enter('global');
    TestBed.tick();
    socket.emit('newMessage', msg('t2', 2, 'team'));
    socket.emit('newMessage', msg('t3', 3, 'team'));
    socket.emit('newMessage', msg('t3', 3, 'team')); // the same message twice counts once
    socket.emit('newMessage', msg('g1', 1, 'global')); // the open room of a visible tab is read as it arrives
    expect(counts(unread)).toEqual({ team: 2 });
    expect(unread.total()).toBe(2);

    // Own messages (sent from this browser) are never unread.
    const own = sending.sendText('team', 'ann', 'mine');
    socket.emit('newMessage', msg(own.id, 4, 'team', { author: 'ann' }));
    expect(counts(unread)).toEqual({ team: 2 });

    // A deleted message is no longer unread.
    socket.emit('messageDeleted', { room: 'team', seq: formatSeq(3), id: 't3', deletedAt: new Date().toISOString() });
    expect(counts(unread)).toEqual({ team: 1 });

    await chat.enter('team');
    TestBed.tick();
    expect(unread.total()).toBe(0);
    expect(unread.divider()).toEqual({ room: 'team', after: formatSeq(1) });
  });

  it("counts from history after being away: only others' messages after the last one read, not deleted ones", async () => {
    const own = 'own-id';
    const { unread, active } = setup(
      {
        team: [
          msg('t1', 1, 'team'),
          msg('t2', 2, 'team'),
          msg(own, 3, 'team'),
          msg('t4', 4, 'team', { deletedAt: 'x', text: undefined }),
          msg('t5', 5, 'team'),
        ],
        other: [msg('o1', 1, 'other')],
      },
      { 'chat.rooms': ['global', 'team', 'other'], 'chat.lastRead': { team: formatSeq(1), other: formatSeq(1) }, 'chat.sent.team': [own] },
    );
    active.set('global');
    await unread.countFromHistory();
    expect(counts(unread)).toEqual({ team: 2 });
  });

  it('counts the open room while the tab is hidden, and reads it when the tab is back', async () => {
    const { socket, chat, unread, page } = setup({ global: [msg('g1', 1)] });
    await chat.enter('global');
    TestBed.tick();
    page.visible.set(false);
    TestBed.tick();
    socket.emit('newMessage', msg('g2', 2));
    socket.emit('newMessage', msg('g3', 3));
    expect(counts(unread)).toEqual({ global: 2 });
    page.visible.set(true);
    TestBed.tick();
    expect(unread.total()).toBe(0);
    expect(unread.divider()).toEqual({ room: 'global', after: formatSeq(1) });
    expect(JSON.parse(localStorage.getItem('chat.lastRead')!)).toEqual({ global: formatSeq(3) });
  });

  it('puts the unread total in the tab title', async () => {
    const { socket, chat } = setup();
    history.replaceState(null, '', '/r/global');
    TestBed.inject(UnreadTitle);
    await chat.enter('global');
    TestBed.inject(RoomListStore).add('team');
    TestBed.tick();
    expect(document.title).toBe('#global · Chat');
    socket.emit('newMessage', msg('t1', 1, 'team'));
    socket.emit('newMessage', msg('t2', 2, 'team'));
    socket.emit('newMessage', msg('t3', 3, 'team'));
    TestBed.tick();
    expect(document.title).toBe('(3) #global · Chat');
  });
});

describe('RoomListStore', () => {
  it('always lists the default room first, keeps the list in localStorage and drops bad entries', () => {
    localStorage.clear();
    localStorage.setItem('chat.rooms', JSON.stringify(['team', 'BAD NAME', 7, 'team', 'global']));
    const list = TestBed.inject(RoomListStore);
    expect(list.rooms()).toEqual(['global', 'team']);
    list.add('ops');
    list.remove('global');
    list.remove('team');
    expect(JSON.parse(localStorage.getItem('chat.rooms')!)).toEqual(['global', 'ops']);
  });
});

describe('UnreadStore after being away', () => {
  it('does not count a room that was opened while its history was on the way', async () => {
    const { active, unread } = setup(
      { team: [msg('t1', 1, 'team'), msg('t2', 2, 'team')] },
      { 'chat.rooms': ['global', 'team'], 'chat.lastRead': { team: formatSeq(1) } },
    );
    active.set('global');
    const counting = unread.countFromHistory();
    active.set('team');
    TestBed.tick();
    await counting;
    expect(unread.total()).toBe(0);
  });
});
