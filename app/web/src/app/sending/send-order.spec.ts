import { TestBed } from '@angular/core/testing';
import { FETCH } from '../config/fetch';
import { messageDeleteKey } from '../identity/browser-identity';
import { RoomMessages } from '../messages/room-messages';
import { FakeChatSocket, provideFakeSocket } from '../testing/fake-chat-socket';
import { fakeFetch } from '../testing/fake-fetch';
import { SendStore } from './send-store';

describe('SendStore order', () => {
  it("sends one person's messages in the order they were made, however long each one's key takes", async () => {
    localStorage.clear();
    // The first key takes longer than the second, as when the key's code is still loading for the first send.
    let releaseFirst!: () => void;
    const firstHeld = new Promise<void>((r) => (releaseFirst = r));
    let calls = 0;
    const slowFirst = async (room: string, id: string) => {
      if (calls++ === 0) await firstHeld;
      return messageDeleteKey(room, id);
    };
    const socket = new FakeChatSocket();
    const net = fakeFetch(() => ({ body: { messages: [], nextBefore: null } }));
    TestBed.configureTestingModule({
      providers: [provideFakeSocket(socket), { provide: FETCH, useValue: net.fetch }],
    });
    const store = TestBed.inject(RoomMessages);
    const sending = TestBed.inject(SendStore);
    sending.keyOf = slowFirst;
    await store.enter('global');

    sending.sendText('global', 'ann', 'one');
    sending.sendText('global', 'ann', 'two');
    await new Promise((r) => setTimeout(r, 0));
    expect(socket.sent).toEqual([]);
    releaseFirst();
    await socket.nthSend(1);
    expect(socket.sent.map((s) => s.message)).toMatchObject([{ text: 'one' }, { text: 'two' }]);
  });
});
