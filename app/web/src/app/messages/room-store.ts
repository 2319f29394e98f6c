import { computed, signal } from '@angular/core';
import type { ChatMessage } from '@chat/protocol';
import { mergeMessages, type Versioned } from './message-merge';
import { loadSentIds, saveSentIds } from './sent-ids';

export type OutgoingStatus = 'uploading' | 'pending' | 'sent' | 'failed';

/** A message this tab sent or is sending. It keeps its `id` for life, so a retry is never a duplicate. */
export interface Outgoing {
  id: string;
  room: string;
  author: string;
  text?: string;
  /** The seq of the message this one answers. */
  replyTo?: string;
  /** `file` is dropped once uploaded. */
  image?: { file?: File; previewUrl: string; key?: string; uploaded: boolean };
  status: OutgoingStatus;
  /** 0..1 while uploading. */
  progress: number | null;
  error: string | null;
  seq?: string;
}

/** One line of the view: a stored message, an own message not yet seen back from the server, or both. */
export interface Entry {
  id: string;
  /** Stored messages only. */
  seq?: string;
  /** Set when the message was deleted: it shows as "message deleted", without text or image. */
  deletedAt?: string;
  author: string;
  /** Signed in: the author's user id. */
  authorId?: string;
  text?: string;
  imageUrl?: string;
  sentAt?: string;
  outgoing?: Outgoing;
  /** Stored messages only: see ChatMessage. */
  editedAt?: string;
  replyTo?: string;
  reactions?: Record<string, number>;
  myReactions?: string[];
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
  private readonly liveId = signal<string | null>(null);
  /**
   * The latest message that arrived live (not from history), as it is now, for the screen-reader announcement:
   * an edit shows its new text, a deletion leaves nothing, so no deleted words stay in the page.
   */
  readonly live = computed(() => {
    const id = this.liveId();
    const m = id ? this.messages().findLast((x) => x.id === id) : undefined;
    return m && !m.deletedAt ? m : null;
  });
  /**
   * Unsent text typed for this room. It lives here, not in the composer, because the composer stays
   * alive across room changes and a shared draft could be sent to the wrong room.
   */
  readonly draft = signal('');
  /** The message the composer's next message answers, if any (its seq). */
  readonly replyTo = signal<string | null>(null);
  /** Whether the first page was ever loaded: older pages only make sense after it. */
  loaded = false;
  /**
   * Own messages the server stored: their Outgoing is dropped (it may hold an image) and only the id
   * is kept, so they still show as sent, also after a reload (sent-ids.ts). Changes only together with
   * `outgoing`, which entries reads.
   */
  private readonly sentIds = new Set<string>();
  /** Of those, the ones sent with a per-message deleteKey (all that this version sends): sent-ids.ts. */
  private readonly provedIds = new Set<string>();

  readonly entries = computed<Entry[]>(() => {
    const own = new Map(this.outgoing().map((o) => [o.id, o]));
    const seen = new Set<string>();
    const list: Entry[] = this.messages().map((m) => {
      seen.add(m.id);
      const outgoing = own.get(m.id) ?? (this.sentIds.has(m.id) ? sentMark(m) : undefined);
      const deletedAt = m.deletedAt;
      return deletedAt ? { id: m.id, seq: m.seq, author: m.author, sentAt: m.sentAt, deletedAt, outgoing } : { ...m, outgoing };
    });
    for (const o of this.outgoing()) {
      if (!seen.has(o.id))
        list.push({ id: o.id, author: o.author, text: o.text, imageUrl: o.image?.previewUrl, replyTo: o.replyTo, outgoing: o });
    }
    return list;
  });

  constructor(readonly name: string) {
    for (const id of loadSentIds('sent', name)) this.sentIds.add(id);
    for (const id of loadSentIds('proved', name)) this.provedIds.add(id);
  }

  lastSeq(): string | undefined {
    return this.messages().at(-1)?.seq;
  }

  /**
   * Where to catch up from when `seq` arrives live but is not the one after the newest held (seqs of a room have no
   * gaps): the newest held seq; undefined when nothing is missing or nothing is loaded yet (the first read fills it).
   */
  gapBefore(seq: string): string | undefined {
    const last = this.lastSeq();
    if (!this.loaded || last === undefined) return undefined;
    return BigInt(seq) > BigInt(last) + 1n ? last : undefined;
  }

  merge(incoming: readonly ChatMessage[]): void {
    this.messages.update((current) => mergeMessages(current, incoming));
    // A message seen back from the server was stored, whatever happened to its ack.
    const ids = new Set(incoming.map((m) => m.id));
    const stored = this.outgoing().filter((o) => ids.has(o.id));
    if (stored.length === 0) return;
    for (const o of stored) {
      // The view now shows the server's copy of the image; the local preview is no longer needed.
      if (o.image) URL.revokeObjectURL(o.image.previewUrl);
      this.sentIds.add(o.id);
      this.provedIds.add(o.id);
    }
    saveSentIds('sent', this.name, this.sentIds);
    saveSentIds('proved', this.name, this.provedIds);
    this.outgoing.update((list) => list.filter((o) => !ids.has(o.id)));
  }

  /** A message pushed by the server as it happened. */
  receive(m: ChatMessage): void {
    // Own messages are already on screen (and were typed by the reader): no need to read them out.
    const announce = !this.isStored(m.id) && !this.findOutgoing(m.id);
    this.merge([m]);
    if (announce) this.liveId.set(m.id);
  }

  /** Starts over from `messages` (a contiguous run), e.g. when a catch-up could not reach what we had. */
  replace(messages: readonly ChatMessage[]): void {
    this.messages.set([]);
    this.merge(messages);
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

  /** Sent from this browser (this tab now, or any tab before: sent-ids.ts). */
  isOwn(id: string): boolean {
    return this.sentIds.has(id) || !!this.findOutgoing(id);
  }

  /** An own message sent before per-message deleteKeys: its key is the browser's secret itself. */
  sentWithSecret(id: string): boolean {
    return this.sentIds.has(id) && !this.provedIds.has(id);
  }

  /** The server deleted a message (`messageDeleted`): it stays in its place, without its content. */
  markDeleted(id: string, deletedAt: string): void {
    const m = this.messages().find((x) => x.id === id);
    if (!m) return;
    const { text: _text, imageUrl: _imageUrl, ...rest } = m;
    this.merge([{ ...rest, deletedAt }]);
  }

  /** A later state of the stored message `seq`, from the server (an edit, reaction counts): merged as history is. */
  update(seq: string, change: Partial<Versioned>): void {
    const m = this.messages().find((x) => x.seq === seq);
    if (m) this.merge([{ ...m, ...change }]);
  }

  isStored(id: string): boolean {
    return this.messages().some((m) => m.id === id);
  }
}

function sentMark(m: ChatMessage): Outgoing {
  return { id: m.id, room: m.room, author: m.author, text: m.text, status: 'sent', progress: null, error: null, seq: m.seq };
}
