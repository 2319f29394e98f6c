import { computed, signal } from '@angular/core';
import type { ChatMessage } from '@chat/protocol';
import { mergeMessages } from './message-merge';

export type OutgoingStatus = 'uploading' | 'pending' | 'sent' | 'failed';

/** A message this tab sent or is sending. It keeps its `id` for life, so a retry is never a duplicate. */
export interface Outgoing {
  id: string;
  room: string;
  author: string;
  text?: string;
  image?: { file: File; previewUrl: string; key?: string; uploaded: boolean };
  status: OutgoingStatus;
  /** 0..1 while uploading. */
  progress: number | null;
  error: string | null;
  seq?: string;
}

/** One line of the view: a stored message, an own message not yet seen back from the server, or both. */
export interface Entry {
  id: string;
  author: string;
  text?: string;
  imageUrl?: string;
  sentAt?: string;
  outgoing?: Outgoing;
}

export type RoomPhase = 'loading' | 'ready' | 'error';

export class RoomStore {
  readonly messages = signal<ChatMessage[]>([]);
  readonly outgoing = signal<Outgoing[]>([]);
  /** `before` for the next older page; null when the oldest message is loaded. */
  readonly nextBefore = signal<string | null>(null);
  readonly phase = signal<RoomPhase>('loading');
  readonly loadError = signal<string | null>(null);
  readonly loadingOlder = signal(false);
  /** Whether the first page was ever loaded: older pages only make sense after it. */
  loaded = false;

  readonly entries = computed<Entry[]>(() => {
    const own = new Map(this.outgoing().map((o) => [o.id, o]));
    const seen = new Set<string>();
    const list: Entry[] = this.messages().map((m) => {
      seen.add(m.id);
      return { id: m.id, author: m.author, text: m.text, imageUrl: m.imageUrl, sentAt: m.sentAt, outgoing: own.get(m.id) };
    });
    for (const o of this.outgoing()) {
      if (!seen.has(o.id)) list.push({ id: o.id, author: o.author, text: o.text, imageUrl: o.image?.previewUrl, outgoing: o });
    }
    return list;
  });

  constructor(readonly name: string) {}

  lastSeq(): string | undefined {
    return this.messages().at(-1)?.seq;
  }

  merge(incoming: readonly ChatMessage[]): void {
    this.messages.update((current) => mergeMessages(current, incoming));
    // A message seen back from the server was stored, whatever happened to its ack.
    const ids = new Set(incoming.map((m) => m.id));
    for (const o of this.outgoing()) {
      // The view now shows the server's copy of the image; the local preview is no longer needed.
      if (ids.has(o.id) && o.image) URL.revokeObjectURL(o.image.previewUrl);
    }
    if (this.outgoing().some((o) => ids.has(o.id) && o.status !== 'sent')) {
      this.outgoing.update((list) =>
        list.map((o) => (ids.has(o.id) && o.status !== 'sent' ? { ...o, status: 'sent', error: null, progress: null } : o)),
      );
    }
  }

  addOutgoing(o: Outgoing): void {
    this.outgoing.update((list) => [...list, o]);
  }

  patchOutgoing(id: string, patch: Partial<Outgoing>): Outgoing | undefined {
    let result: Outgoing | undefined;
    this.outgoing.update((list) =>
      list.map((o) => {
        if (o.id !== id) return o;
        // Once the server has the message, a late failure (e.g. a timed-out ack) must not undo that.
        if (o.status === 'sent' && patch.status && patch.status !== 'sent') return (result = o);
        return (result = { ...o, ...patch });
      }),
    );
    return result;
  }

  findOutgoing(id: string): Outgoing | undefined {
    return this.outgoing().find((o) => o.id === id);
  }

  isStored(id: string): boolean {
    return this.messages().some((m) => m.id === id);
  }
}
