import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  ElementRef,
  afterNextRender,
  afterRenderEffect,
  computed,
  inject,
  input,
  signal,
  viewChild,
} from '@angular/core';
import { compareSeq } from '@chat/protocol';
import { UnreadStore } from '../unread/unread-store';
import { RoomMessages } from '../messages/room-messages';
import { MessageItem } from './message-item';
import type { Entry, RoomStore } from '../messages/room-store';
import { dayKey, dayLabel } from './time-format';

type Row = { kind: 'day'; key: string; label: string } | { kind: 'new'; key: string } | { kind: 'msg'; key: string; entry: Entry };

/** Within this many pixels of the bottom the reader counts as following the conversation. */
const BOTTOM_SLACK = 48;
const TOP_TRIGGER = 120;

@Component({
  selector: 'app-message-list',
  imports: [MessageItem],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @let room = store();
    <div class="scroller" #scroller (scroll)="onScroll()" tabindex="0" [attr.aria-label]="'Conversation in #' + room.name">
      <div class="list-top">
        @if (room.nextBefore()) {
          <button type="button" class="secondary older" (click)="loadOlder()" [disabled]="room.loadingOlder()">
            {{ room.loadingOlder() ? 'Loading older messages…' : 'Load older messages' }}
          </button>
        } @else if (room.phase() === 'ready' && room.messages().length > 0) {
          <p class="hint">This is the start of #{{ room.name }}.</p>
        }
        @if (room.phase() === 'loading') {
          <p class="hint">Loading messages…</p>
        } @else if (room.loadError(); as error) {
          <!-- Also after the first load: a failed catch-up leaves a gap the reader must know about. -->
          <p class="field-error" role="alert">
            {{ error }}
            <button type="button" class="secondary" (click)="reload()">Try again</button>
          </p>
        } @else if (room.phase() === 'ready' && rows().length === 0) {
          <p class="hint empty">No messages in #{{ room.name }} yet. Say hello!</p>
        }
      </div>
      <!-- Not live itself: history pages merge in here too and would be read out whole. -->
      <div role="log" aria-live="off" [attr.aria-label]="'Messages in #' + room.name">
        <ol class="messages">
          @for (row of rows(); track row.key) {
            @if (row.kind === 'day') {
              <!-- A plain item: an <ol> may hold only list items, and a role="separator" <li> is not one. -->
              <li class="day-separator">
                <span>{{ row.label }}</span>
              </li>
            } @else if (row.kind === 'new') {
              <li class="new-divider"><span>New messages</span></li>
            } @else {
              <li><app-message-item [entry]="row.entry" /></li>
            }
          }
        </ol>
      </div>
    </div>
    <p class="visually-hidden" aria-live="polite" aria-atomic="true">
      @if (room.live(); as m) {
        <bdi>{{ m.author }}</bdi>: {{ m.text ?? 'sent an image' }}
      }
    </p>
    @if (unseen() > 0) {
      <button type="button" class="new-marker" (click)="scrollToBottom()">
        {{ unseen() }} new {{ unseen() === 1 ? 'message' : 'messages' }} <span aria-hidden="true">↓</span>
      </button>
    }
  `,
  host: { class: 'message-list' },
})
export class MessageList {
  private readonly messages = inject(RoomMessages);
  private readonly unread = inject(UnreadStore);
  private readonly destroyRef = inject(DestroyRef);
  readonly store = input.required<RoomStore>();
  private readonly scroller = viewChild.required<ElementRef<HTMLElement>>('scroller');

  protected readonly unseen = signal(0);
  protected readonly rows = computed<Row[]>(() => {
    const rows: Row[] = [];
    let day: string | undefined;
    const divider = this.unread.divider();
    // "New messages" goes before the first message of someone else after the last one read.
    let after = divider?.room === this.store().name ? divider.after : undefined;
    for (const entry of this.store().entries()) {
      if (entry.sentAt) {
        const key = dayKey(entry.sentAt);
        if (key !== day) rows.push({ kind: 'day', key: `day-${key}`, label: dayLabel(entry.sentAt) });
        day = key;
      }
      if (after && entry.seq && !entry.outgoing && compareSeq(entry.seq, after) > 0) {
        rows.push({ kind: 'new', key: 'new-divider' });
        after = undefined;
      }
      rows.push({ kind: 'msg', key: entry.id, entry });
    }
    return rows;
  });

  private atBottom = true;
  /** A message kept where it is on screen while content above it grows (after older messages came). */
  private pin: { el: Element; top: number } | null = null;
  /** scrollTop at the last scroll event. */
  private top = 0;
  /** What the last render showed; growth is judged on stored messages, as own unsent ones stay last. */
  private shown: { room?: string; first?: string; last?: string; count: number; sending: number } = { count: 0, sending: 0 };
  /** Scroll geometry saved when older messages were asked for, to keep the reader's place when they arrive. */
  private anchor: { height: number; top: number } | null = null;

  constructor() {
    afterRenderEffect(() => {
      const store = this.store();
      const entries = store.entries();
      const stored = store.messages();
      const sending = store.outgoing().length;
      const el = this.scroller().nativeElement;
      const first = entries[0]?.id;
      const last = stored.at(-1)?.id;
      const prev = this.shown;
      this.shown = { room: store.name, first, last, count: stored.length, sending };
      if (prev.room !== store.name) {
        this.anchor = null;
        this.unseen.set(0);
        this.stickToBottom(el);
        return;
      }
      if (this.anchor && first !== prev.first) {
        el.scrollTop = this.anchor.top + (el.scrollHeight - this.anchor.height);
        this.anchor = null;
        // The older messages' actions arrive a moment later and make them taller: keep the one read in its place.
        const a = el.querySelector(`[data-id="${prev.first}"]`);
        this.pin = a && { el: a, top: a.getBoundingClientRect().top };
      }
      if (sending > prev.sending) {
        // The reader just sent something: show it.
        this.stickToBottom(el);
      } else if (last !== prev.last && stored.length > prev.count) {
        // Stored messages lead the entries, in order.
        const mine = !!entries[stored.length - 1]?.outgoing;
        if (this.atBottom || mine || prev.count === 0) this.stickToBottom(el);
        else this.unseen.update((n) => n + (stored.length - prev.count));
      }
    });
    afterNextRender(() => {
      const el = this.scroller().nativeElement;
      const follow = () => {
        if (this.atBottom) this.stickToBottom(el);
        else if (this.pin) el.scrollTop += this.pin.el.getBoundingClientRect().top - this.pin.top;
      };
      // Images load after layout; keep a reader who follows the bottom at the bottom.
      el.addEventListener('load', follow, true);
      // So does a change of the list's own height (the presence or typing line, a growing message box, a
      // phone's keyboard), or of its messages' (their actions arrive a moment after them, in a chunk of their own):
      // scrollTop stays put while the bottom moves.
      if (typeof ResizeObserver !== 'undefined') {
        const observer = new ResizeObserver(follow);
        observer.observe(el);
        observer.observe(el.lastElementChild!);
        this.destroyRef.onDestroy(() => observer.disconnect());
      }
    });
  }

  protected onScroll(): void {
    const el = this.scroller().nativeElement;
    // Only a move up leaves the bottom: content that grows between a scroll and its event (messages' actions, images)
    // must not.
    this.atBottom = el.scrollHeight - el.scrollTop - el.clientHeight < BOTTOM_SLACK || (this.atBottom && el.scrollTop >= this.top);
    this.top = el.scrollTop;
    // The reader moved: what they see now is what stays in place.
    if (this.pin) this.pin.top = this.pin.el.getBoundingClientRect().top;
    if (this.atBottom) this.unseen.set(0);
    if (el.scrollTop < TOP_TRIGGER && el.scrollHeight > el.clientHeight) this.loadOlder();
  }

  protected loadOlder(): void {
    const store = this.store();
    if (!store.nextBefore() || store.loadingOlder()) return;
    const el = this.scroller().nativeElement;
    this.anchor = { height: el.scrollHeight, top: el.scrollTop };
    void this.messages.loadOlder(store.name);
  }

  protected reload(): void {
    void this.messages.catchUp(this.store().name);
  }

  protected scrollToBottom(): void {
    this.stickToBottom(this.scroller().nativeElement);
    this.unseen.set(0);
  }

  private stickToBottom(el: HTMLElement): void {
    el.scrollTop = el.scrollHeight;
    this.atBottom = true;
  }
}
