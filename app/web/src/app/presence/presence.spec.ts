import { TestBed } from '@angular/core/testing';
import { RoomMessages } from '../messages/room-messages';
import { ActiveRoom } from '../rooms/active-room';
import { FakeChatSocket, provideFakeSocket } from '../testing/fake-chat-socket';
import { PresenceBar } from './presence-bar';
import { PresenceStore } from './presence-store';

function setup() {
  localStorage.clear();
  const socket = new FakeChatSocket();
  TestBed.configureTestingModule({ providers: [provideFakeSocket(socket)] });
  const chat = TestBed.inject(RoomMessages);
  return { socket, chat, presence: TestBed.inject(PresenceStore) };
}

describe('PresenceStore and PresenceBar', () => {
  it("asks for the open room's members on entering, then follows the server's presence events", async () => {
    const { socket, chat, presence } = setup();
    socket.presence.set('team', { room: 'team', members: [{ clientId: 'b1', author: 'Bo' }], count: 1 });
    await chat.enter('team');
    TestBed.tick();
    await vi.waitFor(() => expect(presence.current()?.count).toBe(1));

    const fixture = TestBed.createComponent(PresenceBar);
    await fixture.whenStable();
    const el = fixture.nativeElement as HTMLElement;
    expect(el.textContent).toContain('1 online');
    expect(el.textContent).toContain('Bo');

    socket.emit('presence', {
      room: 'team',
      members: [
        { clientId: 'b1', author: 'Bo' },
        { clientId: socket.clientId, author: 'Ann' },
        { clientId: 'b1', author: 'Bo' },
      ],
      count: 2,
    });
    await fixture.whenStable();
    // One name per browser, this one first and marked.
    expect([...el.querySelectorAll('.presence-name')].map((n) => n.textContent)).toEqual(['Ann (you)', 'Bo']);
    // Read as a sentence: no space before a comma. Each name isolated, so that none can turn the line around.
    expect(el.querySelector('.presence-names')!.textContent).toBe('Ann (you), Bo');
    expect([...el.querySelectorAll('.presence-name bdi')].map((n) => n.textContent)).toEqual(['Ann', 'Bo']);
    expect(el.querySelector('.presence-count')!.textContent).toBe('2 online');

    // Another room's presence does not change this one's.
    socket.emit('presence', { room: 'global', members: [], count: 0 });
    socket.emit('presence', { room: 'team', members: [{ clientId: socket.clientId, author: 'Ann' }], count: 1 });
    await fixture.whenStable();
    expect([...el.querySelectorAll('.presence-name')].map((n) => n.textContent)).toEqual(['Ann (you)']);
  });

  it('shows at most four names and how many more', async () => {
    const { socket, presence } = setup();
    TestBed.inject(ActiveRoom).set('global');
    const members = ['Cy', 'Di', 'Ed', 'Flo', 'Gus', 'Hal'].map((author, i) => ({ clientId: `c${i}`, author }));
    presence.apply({ room: 'global', members, count: 6 });
    const fixture = TestBed.createComponent(PresenceBar);
    await fixture.whenStable();
    const el = fixture.nativeElement as HTMLElement;
    expect(el.querySelectorAll('.presence-name')).toHaveLength(4);
    expect(el.querySelector('.presence-more')!.textContent).toBe('+2 more');
    expect(socket.clientId).toBe('this-browser');
  });
});
