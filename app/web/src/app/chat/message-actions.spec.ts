import { TestBed } from '@angular/core/testing';
import { formatSeq, type ChatMessage } from '@chat/protocol';
import { FETCH } from '../config/fetch';
import { IdentityStore } from '../identity/identity-store';
import { deleteSecret } from '../identity/browser-identity';
import { deriveDeleteKey } from '../identity/delete-proof';
import { FakeChatSocket, provideFakeSocket } from '../testing/fake-chat-socket';
import { fakeFetch } from '../testing/fake-fetch';
import { RoomMessages } from '../messages/room-messages';
import { SendStore } from '../sending/send-store';
import { MessageList } from './message-list';

const msg = (id: string, seq: number, extra: Partial<ChatMessage> = {}): ChatMessage => ({
  id,
  room: 'global',
  author: 'bob',
  text: `text ${id}`,
  sentAt: new Date(Date.UTC(2026, 0, 1, 12, 0, seq)).toISOString(),
  seq: formatSeq(seq),
  ...extra,
});

/** A room whose history is `pages`, newest first (the first is the newest page); the list rendered with its actions. */
async function setup(pages: ChatMessage[][]) {
  const socket = new FakeChatSocket();
  const net = fakeFetch((url) => {
    const before = url.searchParams.get('before');
    const i = before ? pages.findIndex((p) => p.at(-1)!.seq < before) : 0;
    return { body: { messages: pages[i] ?? [], nextBefore: pages[i + 1] ? pages[i][0].seq : null } };
  });
  TestBed.configureTestingModule({ providers: [provideFakeSocket(socket), { provide: FETCH, useValue: net.fetch }] });
  localStorage.clear();
  expect(TestBed.inject(IdentityStore).set('ann')).toBeNull();
  const chat = TestBed.inject(RoomMessages);
  await chat.enter('global');
  const fixture = TestBed.createComponent(MessageList);
  fixture.componentRef.setInput('store', chat.room('global'));
  const el = fixture.nativeElement as HTMLElement;
  // Each message's actions are a lazy chunk's component: wait until every stored one has its Reply.
  await vi.waitFor(async () => {
    await fixture.whenStable();
    expect(el.querySelectorAll('.msg-reply'), 'every message with its actions').toHaveLength(el.querySelectorAll('.msg').length);
  });
  const stable = () => fixture.whenStable();
  const article = (id: string) => el.querySelector<HTMLElement>(`.msg[data-id="${id}"]`)!;
  const button = (id: string, name: string) =>
    [...article(id).querySelectorAll<HTMLButtonElement>('button')].find((b) => b.textContent.trim() === name || b.ariaLabel === name)!;
  return { socket, chat, el, net, stable, article, button, store: chat.room('global') };
}

describe('MessageActions', () => {
  it('edits an own message in place with its key, marks it edited, and keeps it where it was', async () => {
    const { socket, el, stable, article, button, store } = await setup([[msg('m1', 1)]]);
    TestBed.inject(SendStore).sendText('global', 'ann', 'helo');
    await stable();
    const own = store.outgoing()[0];
    (await socket.nthSend(0)).reply({ ok: true, id: own.id, seq: formatSeq(2) });
    socket.emit('newMessage', msg(own.id, 2, { author: 'ann', text: 'helo' }));
    socket.emit('newMessage', msg('m3', 3));
    await vi.waitFor(async () => {
      await stable();
      expect(button(own.id, 'Edit')).toBeDefined();
    });
    // Nobody is offered an edit of someone else's message.
    expect(article('m1').querySelector('.msg-edit')).toBeNull();

    let edit: unknown;
    socket.handlers.set(
      'editMessage',
      (body) => ((edit = body), { ok: true, room: 'global', seq: formatSeq(2), editedAt: '2026-01-01T12:05:00.000Z' }),
    );
    button(own.id, 'Edit').click();
    await stable();
    const box = article(own.id).querySelector<HTMLTextAreaElement>('textarea')!;
    expect(document.activeElement).toBe(box);
    expect(box.value).toBe('helo');
    expect(article(own.id).querySelector('.msg-text')).toBeNull();
    box.value = 'hello';
    box.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', cancelable: true }));
    await vi.waitFor(async () => {
      await stable();
      expect(article(own.id).querySelector('.msg-text')?.textContent).toBe('hello');
    });
    expect(edit).toEqual({
      room: 'global',
      seq: formatSeq(2),
      text: 'hello',
      deleteKey: deriveDeleteKey(deleteSecret(), 'global', own.id),
    });
    expect(article(own.id).querySelector('.msg-edited')?.textContent).toBe('(edited)');
    expect([...el.querySelectorAll('.msg')].map((m) => m.getAttribute('data-id'))).toEqual(['m1', own.id, 'm3']);
  });

  it('shows an edit from the server live; an older edit arriving late does not undo a newer one', async () => {
    const { socket, stable, article } = await setup([[msg('m1', 1)]]);
    const edited = (text: string, editedAt: string) =>
      socket.emit('messageEdited', { room: 'global', seq: formatSeq(1), id: 'm1', text, editedAt });
    edited('second', '2026-01-01T12:02:00.000Z');
    edited('first', '2026-01-01T12:01:00.000Z');
    await stable();
    expect(article('m1').querySelector('.msg-text')!.textContent).toBe('second');
    expect(article('m1').querySelector('.msg-edited')).not.toBeNull();
  });

  it('shows reactions as chips with counts, own ones pressed, and toggles one from a chip or the picker', async () => {
    const { socket, stable, article, button } = await setup([[msg('m1', 1, { reactions: { '👍': 2, '🎉': 1 }, myReactions: ['👍'] })]]);
    const chips = () =>
      [...article('m1').querySelectorAll('.msg-actions .chip')].map((c) => `${c.textContent.trim()} ${c.getAttribute('aria-pressed')}`);
    expect(chips()).toEqual(['👍 2 true', '🎉 1 false']);

    const reacts: unknown[] = [];
    socket.handlers.set('react', (body) => {
      reacts.push(body);
      return { ok: true, room: 'global', seq: formatSeq(1), counts: { '👍': 1, '🎉': 1 }, version: 4, mine: [] };
    });
    button('m1', '👍 2, yours').click();
    await vi.waitFor(async () => {
      await stable();
      expect(chips()).toEqual(['👍 1 false', '🎉 1 false']);
    });
    expect(reacts).toEqual([{ room: 'global', seq: formatSeq(1), emoji: '👍', on: false }]);

    // The picker, from the keyboard's React button: the server's set.
    socket.handlers.set('react', () => ({
      ok: true,
      room: 'global',
      seq: formatSeq(1),
      counts: { '👍': 1, '🎉': 1, '😮': 1 },
      mine: ['😮'],
    }));
    const react = button('m1', 'React');
    react.click();
    await stable();
    expect(react.getAttribute('aria-expanded')).toBe('true');
    button('m1', 'React with 😮').click();
    await vi.waitFor(async () => {
      await stable();
      expect(chips()).toEqual(['👍 1 false', '🎉 1 false', '😮 1 true']);
    });
    // Someone else's toggle: the room's counts replace these, one's own stay marked.
    socket.emit('reactions', { room: 'global', seq: formatSeq(1), counts: { '😮': 2 }, version: 7 });
    // A snapshot from another server that was overtaken arrives late: it changes nothing.
    socket.emit('reactions', { room: 'global', seq: formatSeq(1), counts: { '😮': 1 }, version: 6 });
    await stable();
    expect(chips()).toEqual(['😮 2 true']);
  });

  it("highlights someone else's message that mentions the reader", async () => {
    const { article } = await setup([[msg('m1', 1, { text: 'hey @ann look' }), msg('m2', 2, { text: 'hey @anna' })]]);
    expect(article('m1').querySelector('.msg-mention')?.textContent).toBe('Mentions you');
    expect(article('m2').querySelector('.msg-mention')).toBeNull();
  });

  it('quotes the message a reply answers and jumps to it, reading older pages until it is there', async () => {
    const older = [msg('m1', 1, { text: 'the question' }), msg('m2', 2)];
    const { stable, article, button, net, el } = await setup([
      [msg('m3', 3), msg('m4', 4, { replyTo: formatSeq(1), text: 'the answer' })],
      older,
    ]);
    const quote = article('m4').querySelector<HTMLButtonElement>('.msg-quote')!;
    expect(quote.textContent).toContain('an earlier message');
    const reads = net.calls.length;
    quote.click();
    await vi.waitFor(async () => {
      await stable();
      expect(document.activeElement).toBe(article('m1'));
    });
    expect(net.calls.length).toBe(reads + 1);
    expect(article('m4').querySelector('.msg-quote')!.textContent).toContain('bob: the question');
    expect(el.querySelectorAll('.msg')).toHaveLength(4);
    // The reply action itself: the composer's next message answers this one.
    button('m3', 'Reply').click();
    expect(TestBed.inject(RoomMessages).room('global').replyTo()).toBe(formatSeq(3));
  });
});
