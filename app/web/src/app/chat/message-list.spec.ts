import { TestBed } from '@angular/core/testing';
import { formatSeq, type ChatMessage } from '@chat/protocol';
import { FETCH } from '../config/fetch';
import { IdentityStore } from '../identity/identity-store';
import { FakeChatSocket, provideFakeSocket } from '../testing/fake-chat-socket';
import { fakeFetch } from '../testing/fake-fetch';
import { RoomMessages } from '../messages/room-messages';
import { SendStore } from '../sending/send-store';
import { MessageList } from './message-list';

const msg = (id: string, seq: number): ChatMessage => ({
  id,
  room: 'global',
  author: 'bob',
  text: `text ${id}`,
  sentAt: new Date(Date.UTC(2026, 0, 1, 12, 0, seq)).toISOString(),
  seq: formatSeq(seq),
});

async function setup(history: ChatMessage[]) {
  const socket = new FakeChatSocket();
  let failing = false;
  const net = fakeFetch(() =>
    failing
      ? { status: 503, body: { error: { code: 'unavailable', message: 'History is down' } } }
      : { body: { messages: history, nextBefore: null } },
  );
  TestBed.configureTestingModule({
    providers: [provideFakeSocket(socket), { provide: FETCH, useValue: net.fetch }],
  });
  localStorage.clear();
  expect(TestBed.inject(IdentityStore).set('ann')).toBeNull();
  const chat = TestBed.inject(RoomMessages);
  await chat.enter('global');
  const fixture = TestBed.createComponent(MessageList);
  fixture.componentRef.setInput('store', chat.room('global'));
  await fixture.whenStable();
  const el = fixture.nativeElement as HTMLElement;
  return { sending: TestBed.inject(SendStore), chat, socket, el, fixture, setFailing: (f: boolean) => (failing = f) };
}

/** jsdom has no layout: give the scroller a geometry and say where the reader is. */
function scrollTo(el: HTMLElement, top: number) {
  const scroller = el.querySelector<HTMLElement>('.scroller')!;
  Object.defineProperty(scroller, 'scrollHeight', { configurable: true, value: 2000 });
  Object.defineProperty(scroller, 'clientHeight', { configurable: true, value: 400 });
  scroller.scrollTop = top;
  scroller.dispatchEvent(new Event('scroll'));
  return scroller;
}

describe('MessageList', () => {
  it('shows a failed catch-up after the first load, with a working Try again', async () => {
    const { socket, el, fixture, setFailing } = await setup([msg('m1', 1)]);
    setFailing(true);
    socket.reconnect(false);
    await vi.waitFor(async () => {
      await fixture.whenStable();
      expect(el.querySelector('[role=alert]')?.textContent).toContain('History is down');
    });
    setFailing(false);
    el.querySelector<HTMLButtonElement>('[role=alert] button')!.click();
    await vi.waitFor(async () => {
      await fixture.whenStable();
      expect(el.querySelector('[role=alert]')).toBeNull();
    });
  });

  it('counts new messages for a reader scrolled up even while an own unsent message is last', async () => {
    const { sending, socket, el, fixture } = await setup([msg('m1', 1), msg('m2', 2)]);
    socket.disconnect();
    sending.sendText('global', 'ann', 'stuck');
    await fixture.whenStable();
    socket.reconnect(true);
    // From the bottom, up.
    scrollTo(el, 1600);
    scrollTo(el, 100);
    socket.emit('newMessage', msg('m3', 3));
    await fixture.whenStable();
    expect(el.querySelector('.new-marker')?.textContent).toContain('1 new message');
  });

  it('follows new messages at the bottom even while an own unsent message is last', async () => {
    const { sending, socket, el, fixture } = await setup([msg('m1', 1)]);
    socket.disconnect();
    sending.sendText('global', 'ann', 'stuck');
    await fixture.whenStable();
    socket.reconnect(true);
    const scroller = scrollTo(el, 1600);
    Object.defineProperty(scroller, 'scrollHeight', { configurable: true, value: 2100 });
    socket.emit('newMessage', msg('m2', 2));
    await fixture.whenStable();
    expect(scroller.scrollTop).toBe(2100);
    expect(el.querySelector('.new-marker')).toBeNull();
  });

  it('announces live messages only, not history pages', async () => {
    const { socket, el, fixture } = await setup([msg('m1', 1), msg('m2', 2)]);
    const log = el.querySelector('[role=log]')!;
    expect(log.getAttribute('aria-live')).toBe('off');
    const announcer = el.querySelector('[aria-live=polite]')!;
    expect(announcer.textContent.trim()).toBe('');
    socket.emit('newMessage', msg('m3', 3));
    await fixture.whenStable();
    expect(announcer.textContent.trim()).toBe('bob: text m3');
  });

  it('announces what a message is now: a deleted one leaves nothing behind', async () => {
    const { socket, el, fixture } = await setup([msg('m1', 1)]);
    const announcer = el.querySelector('[aria-live=polite]')!;
    socket.emit('newMessage', msg('m2', 2));
    await fixture.whenStable();
    expect(announcer.textContent).toContain('text m2');
    socket.emit('messageDeleted', { room: 'global', seq: formatSeq(2), id: 'm2', deletedAt: new Date().toISOString() });
    await fixture.whenStable();
    expect(announcer.textContent.trim()).toBe('');
    expect(el.textContent).not.toContain('text m2');
  });

  it('styles as own only what this tab sent, not everything under the same name', async () => {
    const { sending, chat, socket, el, fixture } = await setup([{ ...msg('other-ann', 1), author: 'ann' }]);
    sending.sendText('global', 'ann', 'mine');
    await fixture.whenStable();
    const [own] = chat.room('global').outgoing();
    (await socket.nthSend(0)).reply({ ok: true, id: own.id, seq: formatSeq(2) });
    socket.emit('newMessage', { ...msg(own.id, 2), author: 'ann', text: 'mine' });
    await fixture.whenStable();
    expect(el.querySelector('.msg[data-id="other-ann"]')!.classList).not.toContain('own');
    expect(el.querySelector(`.msg[data-id="${own.id}"]`)!.classList).toContain('own');
  });

  it('moves focus to the message box after Retry, as the button goes away', async () => {
    const { sending, socket, el, fixture } = await setup([]);
    const box = document.createElement('textarea');
    box.id = 'composer-text';
    document.body.append(box);
    try {
      socket.disconnect();
      sending.sendText('global', 'ann', 'stuck');
      await vi.waitFor(async () => {
        await fixture.whenStable();
        expect(el.querySelector('button.retry')).not.toBeNull();
      });
      socket.reconnect(true);
      const retry = el.querySelector<HTMLButtonElement>('button.retry')!;
      retry.focus();
      retry.click();
      await fixture.whenStable();
      expect(el.querySelector('button.retry')).toBeNull();
      expect(document.activeElement).toBe(box);
    } finally {
      box.remove();
    }
  });
});
