import { TestBed } from '@angular/core/testing';
import { formatSeq } from '@chat/protocol';
import { FETCH, XHR_FACTORY } from '../config/fetch';
import { deleteSecret } from '../identity/browser-identity';
import { deriveDeleteKey } from '../identity/delete-proof';
import { RoomMessages } from '../messages/room-messages';
import { RoomStore } from '../messages/room-store';
import { msg } from '../testing/chat-message';
import { FakeChatSocket, provideFakeSocket } from '../testing/fake-chat-socket';
import { fakeFetch } from '../testing/fake-fetch';
import { SendStore } from './send-store';
import { OwnChanges } from './own-changes';

const flush = () => new Promise((r) => setTimeout(r, 0));

/** Storage that takes every upload at once. */
class AcceptingXhr {
  status = 0;
  timeout = 0;
  upload = { onprogress: null };
  onload: (() => void) | null = null;
  open() {}
  setRequestHeader() {}
  send() {
    this.status = 200;
    setTimeout(() => this.onload?.());
  }
}

/** `stored`: what localStorage holds when the page opens. */
function setup(stored: Record<string, unknown> = {}) {
  localStorage.clear();
  for (const [key, value] of Object.entries(stored)) localStorage.setItem(key, JSON.stringify(value));
  const socket = new FakeChatSocket();
  // The API: empty history, and an upload URL for any image.
  const net = fakeFetch((url) =>
    url.pathname === '/upload-url'
      ? { body: { method: 'PUT', url: '/uploads/k', key: 'rooms/global/k.png', headers: {}, expiresIn: 300, maxBytes: 1000 } }
      : { body: { messages: [], nextBefore: null } },
  );
  TestBed.configureTestingModule({
    providers: [
      provideFakeSocket(socket),
      { provide: FETCH, useValue: net.fetch },
      { provide: XHR_FACTORY, useValue: () => new AcceptingXhr() as unknown as XMLHttpRequest },
    ],
  });
  return { store: TestBed.inject(RoomMessages), sending: TestBed.inject(SendStore), socket };
}

describe('SendStore', () => {
  it('shows a send as pending at once, then sent on the ack', async () => {
    const { store, sending, socket } = setup();
    await store.enter('global');
    const o = sending.sendText('global', 'ann', 'hello');
    const room = store.room('global');
    expect(room.entries().map((e) => [e.text, e.outgoing?.status])).toEqual([['hello', 'pending']]);
    // With a deleteKey for this message alone, derived from the browser's secret, so that only it can delete the
    // message later and a leaked frame gives away no other.
    const first = await socket.nthSend(0);
    expect(first.message).toEqual({
      id: o.id,
      room: 'global',
      author: 'ann',
      text: 'hello',
      deleteKey: deriveDeleteKey(deleteSecret(), 'global', o.id),
    });
    expect(first.message.deleteKey).toMatch(/^[0-9a-f]{64}$/);
    expect(first.message.deleteKey).not.toContain(deleteSecret());

    first.reply({ ok: true, id: o.id, seq: formatSeq(1) });
    await flush();
    expect(room.findOutgoing(o.id)?.status).toBe('sent');

    socket.emit('newMessage', { ...msg(o.id, 1), author: 'ann', text: 'hello' });
    expect(room.entries()).toHaveLength(1);
    expect(room.entries()[0].sentAt).toBeDefined();
  });

  it('marks a refused send failed with the reason, and a retry reuses the same id', async () => {
    const { store, sending, socket } = setup();
    await store.enter('global');
    const o = sending.sendText('global', 'ann', 'too fast');
    (await socket.nthSend(0)).reply({ ok: false, error: { code: 'rate_limited', message: 'slow down' } });
    await flush();
    const room = store.room('global');
    expect(room.findOutgoing(o.id)?.status).toBe('failed');
    expect(room.findOutgoing(o.id)?.error).toMatch(/Too many messages/);

    sending.retry('global', o.id);
    expect(room.findOutgoing(o.id)?.status).toBe('pending');
    const again = await socket.nthSend(1);
    expect(again.message.id).toBe(o.id);
    expect(again.message.deleteKey).toBe(socket.sent[0].message.deleteKey);
    again.reply({ ok: true, id: o.id, seq: formatSeq(7) });
    await flush();
    expect(room.findOutgoing(o.id)?.status).toBe('sent');
    expect(room.outgoing()).toHaveLength(1);
  });

  it('fails at once while offline instead of queueing', async () => {
    const { store, sending, socket } = setup();
    await store.enter('global');
    socket.connected = false;
    const o = sending.sendText('global', 'ann', 'anyone?');
    await flush();
    expect(store.room('global').findOutgoing(o.id)).toMatchObject({ status: 'failed', error: 'You are offline' });
    expect(socket.sent).toHaveLength(0);
  });

  it('treats a message seen back from the server as sent even if its ack was lost', async () => {
    const { store, sending, socket } = setup();
    await store.enter('global');
    const o = sending.sendText('global', 'ann', 'hi');
    (await socket.nthSend(0)).reply({ ok: false, error: { code: 'unavailable', message: 'No answer from the server' } });
    await flush();
    socket.emit('newMessage', { ...msg(o.id, 3), author: 'ann', text: 'hi' });
    const room = store.room('global');
    expect(room.entries().map((e) => [e.id, e.outgoing?.status])).toEqual([[o.id, 'sent']]);
    sending.retry('global', o.id);
    expect(socket.sent).toHaveLength(1);
  });

  it("drops an image's File once uploaded and the whole send once the server has it", async () => {
    const revoke = vi.fn();
    vi.stubGlobal('URL', Object.assign(class extends URL {}, { createObjectURL: () => 'blob:preview', revokeObjectURL: revoke }));
    try {
      const { store, sending, socket } = setup();
      await store.enter('global');
      const file = new File([new Uint8Array([137, 80, 78, 71])], 'cat.png', { type: 'image/png' });
      expect(sending.sendImage('global', 'ann', file)).toBeNull();
      await vi.waitFor(() => expect(socket.sent).toHaveLength(1));
      const room = store.room('global');
      const id = socket.sent[0].message.id;
      expect(room.findOutgoing(id)?.image).toEqual({ previewUrl: 'blob:preview', key: 'rooms/global/k.png', uploaded: true });
      socket.sent[0].reply({ ok: true, id, seq: formatSeq(1) });
      socket.emit('newMessage', { ...msg(id, 1), author: 'ann', text: undefined, imageUrl: '/images/rooms/global/k.png' });
      expect(room.outgoing()).toEqual([]);
      expect(revoke).toHaveBeenCalledWith('blob:preview');
      expect(room.entries().map((e) => [e.id, e.outgoing?.status])).toEqual([[id, 'sent']]);
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('deletes each own message with the key it was sent with: its own proof, or the secret for one sent before proofs', async () => {
    // An earlier version of the page sent `old1` with the secret itself, and listed it as sent (no proof recorded).
    const { store, sending, socket } = setup({ 'chat.sent.global': ['old1'] });
    await store.enter('global');
    const room = store.room('global');
    room.merge([{ ...msg('old1', 1), author: 'ann' }]);
    const o = sending.sendText('global', 'ann', 'new');
    (await socket.nthSend(0)).reply({ ok: true, id: o.id, seq: formatSeq(2) });
    socket.emit('newMessage', { ...msg(o.id, 2), author: 'ann', text: 'new' });
    expect([room.isOwn('old1'), room.isOwn(o.id)]).toEqual([true, true]);

    const oldDeleted = TestBed.inject(OwnChanges).deleteMessage('global', 'old1');
    await vi.waitFor(() => expect(socket.deletes).toHaveLength(1));
    expect(socket.deletes[0].body).toEqual({ room: 'global', seq: formatSeq(1), deleteKey: deleteSecret() });
    socket.deletes[0].reply({ ok: true, room: 'global', seq: formatSeq(1) });
    expect(await oldDeleted).toBeNull();

    const newDeleted = TestBed.inject(OwnChanges).deleteMessage('global', o.id);
    await vi.waitFor(() => expect(socket.deletes).toHaveLength(2));
    expect(socket.deletes[1].body).toEqual({
      room: 'global',
      seq: formatSeq(2),
      deleteKey: deriveDeleteKey(deleteSecret(), 'global', o.id),
    });
    socket.deletes[1].reply({ ok: true, room: 'global', seq: formatSeq(2) });
    expect(await newDeleted).toBeNull();

    // What the next page load reads: both still own, and which key each takes. The first list keeps its old form.
    expect(JSON.parse(localStorage.getItem('chat.sent.global')!)).toEqual(['old1', o.id]);
    expect(JSON.parse(localStorage.getItem('chat.proved.global')!)).toEqual([o.id]);
    const reloaded = new RoomStore('global');
    expect([reloaded.sentWithSecret('old1'), reloaded.sentWithSecret(o.id)]).toEqual([true, false]);
  });
});
