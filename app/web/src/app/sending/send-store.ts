import { Injectable, inject } from '@angular/core';
import type { SendAck, SendMessageInput } from '@chat/protocol';
import { FETCH, XHR_FACTORY } from '../config/fetch';
import { errorMessage } from '../config/http-error';
import { RuntimeConfig } from '../config/runtime-config';
import { ChatSocket } from '../connection/chat-socket';
import { messageDeleteKey } from '../identity/browser-identity';
import type { Outgoing } from '../messages/room-store';
import { RoomMessages } from '../messages/room-messages';
import { newMessageId } from '../shared/random-token';
import { AuthSession } from '../session/auth-session';
import { checkImage } from './image-check';
import { describeFailure } from './send-failure';

/**
 * This tab's own messages on their way: text and images (uploaded first), shown at once as outgoing entries of
 * their room's store, sent and retried with the same `id` (their edits and deletes are OwnChanges').
 */
@Injectable({ providedIn: 'root' })
export class SendStore {
  private readonly socket = inject(ChatSocket);
  private readonly messages = inject(RoomMessages);
  private readonly fetch = inject(FETCH);
  private readonly xhr = inject(XHR_FACTORY);
  private readonly config = inject(RuntimeConfig);
  private readonly auth = inject(AuthSession);
  /** How a message's key is derived; a test replaces it with one that takes its time (a chunk still loading). */
  keyOf = messageDeleteKey;
  /**
   * The last send's key: each send derives its key after the one before, so sends leave in the order they were made.
   * The key's code is a lazy chunk, and two sends that both waited for it to load could otherwise go out swapped.
   */
  private prevKey: Promise<unknown> = Promise.resolve();

  sendText(room: string, author: string, text: string, replyTo?: string): Outgoing {
    const o: Outgoing = { id: newMessageId(), room, author, text, replyTo, status: 'pending', progress: null, error: null };
    this.messages.room(room).addOutgoing(o);
    void this.transmit(o);
    return o;
  }

  /** Returns the reason when the file is refused before any upload. */
  sendImage(room: string, author: string, file: File): string | null {
    const problem = checkImage(file, this.config.config());
    if (problem) return problem;
    const o: Outgoing = {
      id: newMessageId(),
      room,
      author,
      image: { file, previewUrl: URL.createObjectURL(file), uploaded: false },
      status: 'uploading',
      progress: 0,
      error: null,
    };
    this.messages.room(room).addOutgoing(o);
    void this.uploadThenTransmit(o);
    return null;
  }

  /** Sends the very same message again, same `id`: the server stores it at most once. */
  retry(room: string, id: string): void {
    const o = this.messages.room(room).findOutgoing(id);
    if (!o || o.status !== 'failed') return;
    if (o.image && !o.image.uploaded) void this.uploadThenTransmit(o);
    else void this.transmit(o);
  }

  private async uploadThenTransmit(o: Outgoing): Promise<void> {
    const store = this.messages.room(o.room);
    const image = o.image!;
    const file = image.file!;
    store.patchOutgoing(o.id, { status: 'uploading', progress: 0, error: null });
    try {
      // The upload code is a chunk of its own, fetched at the first image: most sessions never send one.
      const { uploadImage } = await import('./image-upload');
      const deps = {
        fetch: this.fetch,
        resolve: (url: string) => this.config.resolve(url),
        xhr: this.xhr,
        errorMessage,
        bearerFor: (url: string) => this.auth.bearerFor(url),
      };
      const key = await uploadImage(deps, file, o.room, (progress) => store.patchOutgoing(o.id, { progress }));
      // The bytes are on the server now: drop the File so a long session does not hold every image sent.
      store.patchOutgoing(o.id, { image: { previewUrl: image.previewUrl, key, uploaded: true } });
    } catch (err) {
      store.patchOutgoing(o.id, { status: 'failed', progress: null, error: (err as Error).message });
      return;
    }
    await this.transmit(store.findOutgoing(o.id) ?? o);
  }

  private async transmit(o: Outgoing): Promise<void> {
    const store = this.messages.room(o.room);
    if (store.isStored(o.id)) {
      store.patchOutgoing(o.id, { status: 'sent', error: null, progress: null });
      return;
    }
    store.patchOutgoing(o.id, { status: 'pending', error: null, progress: null });
    let ack: SendAck;
    try {
      // A key for this message alone (the same on a retry): the server keeps its hash, so that only this browser
      // can delete the message later, and a frame that leaks it exposes this one message only.
      const key = this.prevKey.then(() => this.keyOf(o.room, o.id));
      this.prevKey = key.catch(() => undefined);
      const deleteKey = await key;
      const message: SendMessageInput = o.image?.key
        ? { id: o.id, room: o.room, author: o.author, image: { key: o.image.key }, deleteKey }
        : { id: o.id, room: o.room, author: o.author, text: o.text, deleteKey, replyTo: o.replyTo };
      ack = await this.socket.send(message);
    } catch {
      ack = { ok: false, error: { code: 'unavailable', message: NOT_LOADED } };
    }
    if (ack.ok) store.patchOutgoing(o.id, { status: 'sent', seq: ack.seq, error: null });
    else store.patchOutgoing(o.id, { status: 'failed', error: describeFailure(ack.error) });
  }
}

/** The key's code is a chunk of its own: when it cannot be fetched (offline since the page opened, a new release), nothing is sent. */
export const NOT_LOADED = 'Part of the page could not be loaded: retry, or reload the page';
