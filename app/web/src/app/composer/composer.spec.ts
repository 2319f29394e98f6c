import { TestBed } from '@angular/core/testing';
import { TEXT_MAX, formatSeq } from '@chat/protocol';
import { RoomMessages } from '../messages/room-messages';
import { IdentityStore } from '../identity/identity-store';
import { FakeChatSocket, provideFakeSocket } from '../testing/fake-chat-socket';
import { Composer } from './composer';

async function setup() {
  localStorage.clear();
  const socket = new FakeChatSocket();
  TestBed.configureTestingModule({ providers: [provideFakeSocket(socket)] });
  expect(TestBed.inject(IdentityStore).set('ann')).toBeNull();
  const fixture = TestBed.createComponent(Composer);
  fixture.componentRef.setInput('room', 'global');
  await fixture.whenStable();
  const el = fixture.nativeElement as HTMLElement;
  const box = el.querySelector('textarea')!;
  const type = async (text: string) => {
    box.value = text;
    box.dispatchEvent(new Event('input'));
    await fixture.whenStable();
  };
  const key = async (init: KeyboardEventInit) => {
    const event = new KeyboardEvent('keydown', { key: 'Enter', cancelable: true, ...init });
    box.dispatchEvent(event);
    await fixture.whenStable();
    return event;
  };
  const enterRoom = async (room: string) => {
    fixture.componentRef.setInput('room', room);
    await fixture.whenStable();
  };
  return { el, box, type, key, enterRoom, socket, store: TestBed.inject(RoomMessages) };
}

describe('Composer', () => {
  it('sends on Enter and clears the box', async () => {
    const { box, type, key, socket, store } = await setup();
    await type('hello there');
    const event = await key({});
    expect(event.defaultPrevented).toBe(true);
    await socket.nthSend(0);
    expect(socket.sent.map((s) => s.message)).toMatchObject([{ room: 'global', author: 'ann', text: 'hello there' }]);
    expect(box.value).toBe('');
    expect(store.room('global').outgoing()[0].status).toBe('pending');
  });

  it('sends a reply with replyTo once, then plain messages again', async () => {
    const { type, key, socket, store } = await setup();
    store.room('global').replyTo.set(formatSeq(5));
    await type('yes');
    await key({});
    await type('and you?');
    await key({});
    await socket.nthSend(1);
    expect(socket.sent.map((s) => s.message.replyTo)).toEqual([formatSeq(5), undefined]);
    expect(store.room('global').replyTo()).toBeNull();
  });

  it('keeps Shift+Enter for a new line', async () => {
    const { type, key, socket } = await setup();
    await type('line one');
    const event = await key({ shiftKey: true });
    expect(event.defaultPrevented).toBe(false);
    expect(socket.sent).toHaveLength(0);
  });

  it('shows the length limit before sending and refuses an over-long message', async () => {
    const { el, type, key, socket } = await setup();
    await type('x'.repeat(TEXT_MAX + 1));
    expect(el.querySelector('.count')!.textContent).toContain(`${TEXT_MAX + 1} / ${TEXT_MAX}`);
    expect(el.querySelector('.count')!.classList).toContain('over');
    expect(el.querySelector<HTMLButtonElement>('button.send')!.disabled).toBe(true);
    await key({});
    expect(socket.sent).toHaveLength(0);
    expect(el.querySelector('[role=alert]')!.textContent).toMatch(/at most 2000/);
  });

  it('refuses a file that is not an image before any upload', async () => {
    const { el, socket } = await setup();
    const input = el.querySelector<HTMLInputElement>('input[type=file]')!;
    const file = new File(['hello'], 'notes.txt', { type: 'text/plain' });
    Object.defineProperty(input, 'files', { value: [file] });
    input.dispatchEvent(new Event('change'));
    await new Promise((r) => setTimeout(r, 0));
    expect(el.querySelector('[role=alert]')?.textContent).toMatch(/not an image/);
    expect(socket.sent).toHaveLength(0);
  });

  it("keeps a draft per room, so Enter never posts one room's draft in another", async () => {
    const { box, type, key, enterRoom, socket } = await setup();
    await type('for global only');
    await enterRoom('random');
    expect(box.value).toBe('');
    await key({});
    expect(socket.sent).toHaveLength(0);
    await type('for random');
    await enterRoom('global');
    expect(box.value).toBe('for global only');
    await enterRoom('random');
    expect(box.value).toBe('for random');
    await key({});
    await socket.nthSend(0);
    expect(socket.sent.map((s) => s.message)).toMatchObject([{ room: 'random', text: 'for random' }]);
    await enterRoom('global');
    expect(box.value).toBe('for global only');
  });
});
