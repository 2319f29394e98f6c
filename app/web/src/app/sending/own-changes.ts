import type { ErrorBody } from '@chat/protocol';
import { Injectable, inject } from '@angular/core';
import { ChatSocket } from '../connection/chat-socket';
import { deleteSecret, messageDeleteKey } from '../identity/browser-identity';
import { RoomMessages } from '../messages/room-messages';
import type { RoomStore } from '../messages/room-store';
import { AuthSession } from '../session/auth-session';
import { describeFailure } from './send-failure';
import { NOT_LOADED } from './send-store';

/**
 * Changes to stored messages that only their author (or a moderator, for deletes) may make: edits and deletes,
 * proved by the key each message was sent with, or signed in, by the token. Used by the message actions only, so
 * it is part of their lazy chunk.
 */
@Injectable({ providedIn: 'root' })
export class OwnChanges {
  private readonly socket = inject(ChatSocket);
  private readonly messages = inject(RoomMessages);
  private readonly auth = inject(AuthSession);

  /**
   * Deletes one of this browser's own messages (proved by its deleteKey), or signed in, any message the token lets
   * this person delete (their own, or any for a moderator: the server decides); returns the reason when refused.
   */
  async deleteMessage(room: string, id: string): Promise<string | null> {
    const store = this.messages.room(room);
    const m = store.messages().find((x) => x.id === id);
    const signedIn = !!this.auth.token;
    if (!m || !(signedIn || store.isOwn(id))) return 'Only your own messages can be deleted';
    let key: string | undefined;
    try {
      key = signedIn ? undefined : await this.keyOf(store, id);
    } catch {
      return NOT_LOADED;
    }
    const ack = await this.socket.deleteMessage(room, m.seq, key);
    if (!ack.ok) return describeDeleteFailure(ack.error);
    // The broadcast says so too; this one shows it at once, whichever arrives first.
    store.markDeleted(id, new Date().toISOString());
    return null;
  }

  /** Replaces the text of an own message (already checked by the protocol's text rules); returns the reason when refused. */
  async editMessage(room: string, id: string, text: string): Promise<string | null> {
    const store = this.messages.room(room);
    const m = store.messages().find((x) => x.id === id);
    if (!m) return 'That message no longer exists';
    let deleteKey: string | undefined;
    try {
      deleteKey = this.auth.token ? undefined : await this.keyOf(store, id);
    } catch {
      return NOT_LOADED;
    }
    const ack = await this.socket.request('editMessage', { room, seq: m.seq, text, deleteKey });
    if (!ack.ok) return describeFailure(ack.error);
    // The broadcast says so too; this one shows it at once, whichever arrives first.
    store.update(ack.seq, { text, editedAt: ack.editedAt });
    return null;
  }

  /** The key an own message was sent with, which proves it is ours: its own proof, or for one from before those, the secret. */
  private keyOf(store: RoomStore, id: string): Promise<string> {
    return store.sentWithSecret(id) ? Promise.resolve(deleteSecret()) : messageDeleteKey(store.name, id);
  }
}

/** Why a delete was refused, for the person who asked. */
function describeDeleteFailure(error: ErrorBody): string {
  switch (error.code) {
    case 'forbidden':
      return 'Only the browser that sent this message can delete it';
    case 'not_found':
      return 'That message no longer exists';
    case 'rate_limited':
      return 'Too many deletes: wait a moment, then try again';
    default:
      return error.message || 'Could not delete the message';
  }
}
