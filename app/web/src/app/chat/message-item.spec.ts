import { TestBed } from '@angular/core/testing';
import { ComponentFixture } from '@angular/core/testing';
import { PROTOCOL_VERSION, formatSeq } from '@chat/protocol';
import { RoomMessages } from '../messages/room-messages';
import { deleteSecret } from '../identity/browser-identity';
import { deriveDeleteKey } from '../identity/delete-proof';
import { FETCH } from '../config/fetch';
import { RuntimeConfig } from '../config/runtime-config';
import { fakeFetch } from '../testing/fake-fetch';
import { FakeChatSocket, provideFakeSocket } from '../testing/fake-chat-socket';
import { MessageItem } from './message-item';
import type { Entry } from '../messages/room-store';
import { ActiveRoom } from '../rooms/active-room';
import { AuthSession } from '../session/auth-session';
import type { SessionUser } from '@chat/protocol';

async function render(entry: Entry, apiUrl = '', socket = new FakeChatSocket()) {
  const net = fakeFetch(() => ({ body: { apiUrl, maxUploadBytes: 1000, imageTypes: ['image/png'], protocolVersion: PROTOCOL_VERSION } }));
  TestBed.configureTestingModule({
    providers: [provideFakeSocket(socket), { provide: FETCH, useValue: net.fetch }],
  });
  await TestBed.inject(RuntimeConfig).load('http://localhost/config.json');
  const fixture = TestBed.createComponent(MessageItem);
  fixture.componentRef.setInput('entry', entry);
  await fixture.whenStable();
  // The message's actions (Delete among them) are a chunk of their own.
  await import('./message-actions');
  await fixture.whenStable();
  const el = fixture.nativeElement as HTMLElement;
  (el as HTMLElement & { fixture: typeof fixture }).fixture = fixture;
  return el;
}

describe('MessageItem', () => {
  it('shows user HTML as text, never as markup', async () => {
    const text = '<b>x</b> <img src=x onerror="window.hacked=1">';
    const el = await render({ id: 'a', author: '<i>eve</i>', text, sentAt: '2026-01-01T12:00:00.000Z' });
    expect(el.querySelector('.msg-text')!.textContent).toBe(text);
    expect(el.querySelector('.msg-author')!.textContent).toBe('<i>eve</i>');
    expect(el.querySelector('b, i, .msg-text img')).toBeNull();
  });

  it('makes http(s) links clickable, opening safely in a new tab', async () => {
    const el = await render({ id: 'a', author: 'ann', text: 'look https://example.com/x now', sentAt: '2026-01-01T12:00:00.000Z' });
    const link = el.querySelector<HTMLAnchorElement>('.msg-text a')!;
    expect(link.href).toBe('https://example.com/x');
    expect(link.rel).toContain('noopener');
    expect(link.target).toBe('_blank');
    expect(el.querySelector('.msg-text')!.textContent).toBe('look https://example.com/x now');
  });

  it('isolates the author, so that a name with bidi controls cannot turn the rest of the line around', async () => {
    const author = '\u202Eevil\u202C';
    const el = await render({ id: 'a', author, text: 'hi', sentAt: '2026-01-01T12:00:00.000Z' });
    const name = el.querySelector('.msg-author')!;
    expect(name.tagName).toBe('BDI');
    expect(name.textContent).toBe(author);
    // The time and the rest of the header are outside the isolate.
    expect(name.contains(el.querySelector('.msg-time'))).toBe(false);
    // The text takes the direction of its first strong letter (right to left for Arabic or Hebrew).
    expect(el.querySelector('.msg-text')!.getAttribute('dir')).toBe('auto');
  });

  it("shows a link's real host beside it when its text could pass for another, and isolates the link", async () => {
    const el = await render({ id: 'a', author: 'eve', text: 'pay at https://bank.example@evil.example/pay now' });
    const link = el.querySelector<HTMLAnchorElement>('.msg-text a')!;
    expect(link.textContent).toBe('https://bank.example@evil.example/pay');
    expect(link.getAttribute('dir')).toBe('ltr');
    expect(el.querySelector('.link-host')!.textContent).toBe(' (evil.example)');
    expect(el.querySelector('.msg-text')!.textContent).toBe('pay at https://bank.example@evil.example/pay (evil.example) now');
    TestBed.resetTestingModule();
    const honest = await render({ id: 'b', author: 'ann', text: 'see https://example.com/x' });
    expect(honest.querySelector('.link-host')).toBeNull();
  });

  it('shows a thumbnail that links to the full image, resolved against the API on its own origin', async () => {
    const entry = { id: 'a', author: 'ann', imageUrl: '/images/rooms/global/x.png', sentAt: '2026-01-01T12:00:00.000Z' };
    const el = await render(entry, 'https://api.example.com');
    const link = el.querySelector<HTMLAnchorElement>('.msg-image')!;
    expect(link.href).toBe('https://api.example.com/images/rooms/global/x.png');
    expect(link.querySelector('img')!.src).toBe('https://api.example.com/images/rooms/global/x.png');
    expect(link.querySelector('img')!.getAttribute('alt')).toBe('Image from ann');
  });

  it('offers a retry with the reason when a send failed', async () => {
    const el = await render({
      id: 'a',
      author: 'ann',
      text: 'hi',
      outgoing: { id: 'a', room: 'global', author: 'ann', text: 'hi', status: 'failed', progress: null, error: 'You are offline' },
    });
    expect(el.querySelector('.msg-status.failed')!.textContent).toContain('You are offline');
    expect(el.querySelector('button.retry')).not.toBeNull();
    expect(el.querySelector('.msg')!.getAttribute('data-status')).toBe('failed');
  });

  it('marks a sent message quietly, and a pending one as sending', async () => {
    const outgoing = { id: 'a', room: 'global', author: 'ann', text: 'hi', progress: null, error: null };
    let el = await render({
      id: 'a',
      author: 'ann',
      text: 'hi',
      sentAt: '2026-01-01T12:00:00.000Z',
      outgoing: { ...outgoing, status: 'sent' },
    });
    expect(el.querySelector('.msg-sent')!.textContent).toContain('Sent');
    expect(el.querySelector('.msg-status')).toBeNull();
    TestBed.resetTestingModule();
    el = await render({ id: 'a', author: 'ann', text: 'hi', outgoing: { ...outgoing, status: 'pending' } });
    expect(el.querySelector('.msg-status')!.textContent).toContain('Sending');
    expect(el.querySelector('.msg-sent')).toBeNull();
  });

  it("offers delete only on this browser's own stored messages, asks first, and sends the message's deleteKey", async () => {
    localStorage.clear();
    const socket = new FakeChatSocket();
    const seq = formatSeq(4);
    const stored = { id: 'own1', seq, author: 'ann', text: 'oops', sentAt: '2026-01-01T12:00:00.000Z' };
    // Someone else's message (even under the same name): no button.
    let el = await render({ ...stored, id: 'x' }, '', socket);
    expect(el.querySelector('.msg-delete')).toBeNull();
    TestBed.resetTestingModule();

    el = await render(
      {
        ...stored,
        outgoing: { id: 'own1', room: 'global', author: 'ann', text: 'oops', status: 'sent', progress: null, error: null, seq },
      },
      '',
      socket,
    );
    const fixture = (el as HTMLElement & { fixture: ComponentFixture<unknown> }).fixture;
    // The store knows it as sent from here, with its seq.
    const room = TestBed.inject(RoomMessages).room('global');
    room.merge([{ id: 'own1', room: 'global', author: 'ann', text: 'oops', sentAt: stored.sentAt, seq }]);
    room.addOutgoing({ id: 'own1', room: 'global', author: 'ann', text: 'oops', status: 'sent', progress: null, error: null, seq });

    el.querySelector<HTMLButtonElement>('.msg-delete')!.click();
    await fixture.whenStable();
    expect(el.querySelector('.msg-confirm')!.textContent).toContain('Delete this message for everyone?');
    expect(document.activeElement?.textContent).toBe('Delete');
    expect(socket.deletes).toHaveLength(0);
    [...el.querySelectorAll<HTMLButtonElement>('.msg-confirm button')].find((b) => b.textContent === 'Delete')!.click();
    await vi.waitFor(() => expect(socket.deletes).toHaveLength(1));
    expect(socket.deletes.map((d) => d.body)).toEqual([
      { room: 'global', seq, deleteKey: deriveDeleteKey(deleteSecret(), 'global', 'own1') },
    ]);
    socket.deletes[0].reply({ ok: false, error: { code: 'forbidden', message: 'not yours' } });
    await vi.waitFor(() =>
      expect(el.querySelector('[role=alert]')?.textContent).toContain('Only the browser that sent this message can delete it'),
    );
    expect(room.messages()[0].deletedAt).toBeUndefined();
  });

  it("signed in: a moderator is offered Delete on anyone's message, the author on theirs from any device, sent without a key", async () => {
    localStorage.clear();
    const socket = new FakeChatSocket();
    const seq = formatSeq(7);
    const others = { id: 'm7', seq, author: 'dave', authorId: 'u-dave', text: 'spam', sentAt: '2026-01-01T12:00:00.000Z' };
    const signIn = (user: SessionUser) => {
      const auth = TestBed.inject(AuthSession);
      auth.token = 'id-token';
      auth.user.set(user);
    };
    // A member without a role: not on someone else's message.
    let el = await render(others, '', socket);
    signIn({ id: 'u-carol', name: 'Carol', roles: [] });
    await (el as HTMLElement & { fixture: ComponentFixture<unknown> }).fixture.whenStable();
    expect(el.querySelector('.msg-delete')).toBeNull();
    TestBed.resetTestingModule();
    // The author, on a message sent from another device (known by authorId, not by this browser's sent ids).
    el = await render(others, '', socket);
    signIn({ id: 'u-dave', name: 'dave', roles: [] });
    await (el as HTMLElement & { fixture: ComponentFixture<unknown> }).fixture.whenStable();
    expect(el.querySelector('.msg-delete')).not.toBeNull();
    TestBed.resetTestingModule();

    el = await render(others, '', socket);
    signIn({ id: 'u-bob', name: 'Bob Moderator', roles: ['moderator'] });
    TestBed.inject(ActiveRoom).set('global');
    TestBed.inject(RoomMessages)
      .room('global')
      .merge([{ ...others, room: 'global' }]);
    const fixture = (el as HTMLElement & { fixture: ComponentFixture<unknown> }).fixture;
    await fixture.whenStable();
    el.querySelector<HTMLButtonElement>('.msg-delete')!.click();
    await fixture.whenStable();
    [...el.querySelectorAll<HTMLButtonElement>('.msg-confirm button')].find((b) => b.textContent === 'Delete')!.click();
    await vi.waitFor(() => expect(socket.deletes).toHaveLength(1));
    expect(socket.deletes[0].body).toEqual({ room: 'global', seq, deleteKey: undefined });
    socket.deletes[0].reply({ ok: true, room: 'global', seq });
    await vi.waitFor(() => expect(TestBed.inject(RoomMessages).room('global').messages()[0].deletedAt).toBeDefined());
  });

  it('shows a deleted message as "Message deleted", without text, image or delete button', async () => {
    const el = await render({
      id: 'a',
      seq: formatSeq(1),
      author: 'ann',
      deletedAt: '2026-01-01T12:01:00.000Z',
      sentAt: '2026-01-01T12:00:00.000Z',
      outgoing: { id: 'a', room: 'global', author: 'ann', status: 'sent', progress: null, error: null },
    });
    expect(el.querySelector('.msg-deleted')!.textContent).toBe('Message deleted');
    expect(el.querySelector('.msg-text, .msg-image, .msg-delete')).toBeNull();
  });
});
