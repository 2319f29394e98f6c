import {
  ChangeDetectionStrategy,
  Component,
  DOCUMENT,
  ElementRef,
  Injector,
  afterNextRender,
  computed,
  inject,
  signal,
  viewChild,
} from '@angular/core';
import { DEFAULT_REACTION_EMOJI, checkText } from '@chat/protocol';
import { RuntimeConfig } from '../config/runtime-config';
import { ChatSocket } from '../connection/chat-socket';
import { RoomMessages } from '../messages/room-messages';
import { ActiveRoom } from '../rooms/active-room';
import { OwnChanges } from '../sending/own-changes';
import { describeFailure } from '../sending/send-failure';
import { AuthSession } from '../session/auth-session';
import { MessageItem } from './message-item';
import { IdentityStore } from '../identity/identity-store';
import { mentions } from '../shared/mentions';
import { mountInto } from '../shared/mount';
import { ReplyPreview } from './reply-preview';

/** The composers' slots that have their extras (one composer lives across rooms, but a new name makes a new one). */
const composers = new WeakSet<Element>();

/** How many older pages a reply's jump reads, at most, looking for the message it answers. */
const JUMP_MAX_PAGES = 20;

/**
 * What one can do with a stored message, under it: its reactions (chips that toggle, and a picker of the server's
 * set), Reply, and for one's own messages Edit (in place) and Delete (asked first); and above it, when it answers
 * another, a quote of that one that jumps to it. A chunk of its own: the first screen shows messages without it.
 */
@Component({
  selector: 'app-message-actions',
  changeDetection: ChangeDetectionStrategy.OnPush,
  // Its parts take their places among the message's own: the quote above the text, the rest under it.
  host: { style: 'display: contents' },
  template: `
    @let e = entry();
    @if (mentionsMe()) {
      <span class="msg-mention">Mentions you</span>
    }
    @if (e.replyTo && !e.deletedAt) {
      <button type="button" class="msg-quote" (click)="jump()" [attr.aria-label]="'Go to the message this answers: ' + quote()">
        <span aria-hidden="true">↪</span> {{ quote() }}
      </button>
    }
    @if (item.editing()) {
      <form class="msg-editor" (submit)="$event.preventDefault(); saveEdit()">
        <textarea
          #editBox
          rows="2"
          aria-label="Edit your message"
          dir="auto"
          [value]="e.text ?? ''"
          (keydown.enter)="onEnter($any($event))"
          (keydown.escape)="stopEditing()"
        ></textarea>
        <button type="submit" [disabled]="busy()">Save</button>
        <button type="button" class="secondary" (click)="stopEditing()">Cancel</button>
      </form>
    }
    @if (e.seq && !e.deletedAt && !confirming()) {
      <div class="msg-actions">
        @if (e.editedAt) {
          <span class="msg-edited" [title]="'Edited ' + editedTime()">(edited)</span>
        }
        @for (r of chips(); track r.emoji) {
          <button
            type="button"
            class="chip"
            [class.mine]="r.mine"
            [attr.aria-pressed]="r.mine"
            [attr.aria-label]="r.emoji + ' ' + r.count + (r.mine ? ', yours' : '')"
            (click)="toggle(r.emoji)"
          >
            {{ r.emoji }} {{ r.count }}
          </button>
        }
        <button type="button" class="link-button" [attr.aria-expanded]="picking()" (click)="picking.set(!picking())">React</button>
        <button type="button" class="link-button msg-reply" (click)="reply()">Reply</button>
        @if (canEdit() && !item.editing()) {
          <button type="button" class="link-button msg-edit" (click)="startEditing()" [attr.aria-label]="'Edit this message: ' + short()">
            Edit
          </button>
        }
        @if (canDelete()) {
          <button
            #deleteButton
            type="button"
            class="link-button msg-delete"
            (click)="askDelete()"
            [attr.aria-label]="'Delete this message: ' + short()"
          >
            Delete
          </button>
        }
      </div>
      @if (picking()) {
        <div class="msg-picker" role="group" aria-label="Reactions">
          @for (emoji of emoji; track emoji) {
            <button type="button" class="chip" [attr.aria-label]="'React with ' + emoji" (click)="toggle(emoji); picking.set(false)">
              {{ emoji }}
            </button>
          }
        </div>
      }
    }
    @if (confirming()) {
      <div class="msg-confirm" role="group" aria-label="Confirm delete">
        <span>Delete this message for everyone?</span>
        <button #confirmButton type="button" class="danger" (click)="confirmDelete()" [disabled]="busy()">Delete</button>
        <button type="button" class="secondary" (click)="cancelDelete()" [disabled]="busy()">Cancel</button>
      </div>
    }
    @if (error(); as message) {
      <p class="msg-status failed" role="alert">{{ message }}</p>
    }
  `,
  styles: `
    /* A message that mentions the reader stands out (its article is the item's, around this component). */
    ::ng-deep .msg:has(.msg-mention) {
      border-color: var(--accent);
      box-shadow: inset 3px 0 0 var(--accent);
    }
    .msg-mention {
      order: -1;
      font-size: 0.75rem;
      font-weight: 600;
      color: var(--link);
    }
    .msg-quote {
      order: -1;
      display: block;
      width: 100%;
      margin: 0.2rem 0;
      padding: 0.2rem 0.5rem;
      min-height: 0;
      border: none;
      border-left: 3px solid var(--accent);
      border-radius: 4px;
      background: var(--panel);
      color: var(--muted);
      font-size: 0.8rem;
      text-align: start;
      white-space: nowrap;
      overflow: hidden;
      text-overflow: ellipsis;
    }
    .msg-actions,
    .msg-picker,
    .msg-confirm,
    .msg-editor {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 0.3rem;
      margin-top: 0.3rem;
      font-size: 0.8rem;
    }
    .link-button {
      font-size: 0.75rem;
      color: var(--muted);
      min-height: 24px;
    }
    .msg-edited {
      color: var(--muted);
      font-size: 0.75rem;
    }
    .chip {
      min-height: 28px;
      padding: 0.05rem 0.5rem;
      border-radius: 999px;
      border: 1px solid var(--border);
      background: var(--panel);
      color: var(--text);
      font-size: 0.85rem;
    }
    .chip.mine {
      border-color: var(--link);
      background: var(--info-bg);
      font-weight: 600;
    }
    .msg-editor textarea {
      flex: 1 1 100%;
      font: inherit;
    }
    .msg-editor button,
    .msg-confirm button {
      min-height: 32px;
      padding: 0.15rem 0.6rem;
      font-size: 0.85rem;
    }
    /* On an own message's tinted bubble the accent text needs the plain panel behind it (contrast). */
    .msg-editor button.secondary,
    .msg-confirm button.secondary {
      background: var(--panel);
    }
  `,
})
export class MessageActions {
  protected readonly item = inject(MessageItem);
  private readonly changes = inject(OwnChanges);
  private readonly socket = inject(ChatSocket);
  private readonly messages = inject(RoomMessages);
  private readonly active = inject(ActiveRoom);
  private readonly auth = inject(AuthSession);
  private readonly identity = inject(IdentityStore);
  private readonly document = inject(DOCUMENT);
  private readonly injector = inject(Injector);
  protected readonly emoji = inject(RuntimeConfig).config().reactions ?? DEFAULT_REACTION_EMOJI;
  protected readonly entry = this.item.entry;
  protected readonly picking = signal(false);
  protected readonly confirming = signal(false);
  protected readonly busy = signal(false);
  protected readonly error = signal<string | null>(null);
  private readonly editBox = viewChild<ElementRef<HTMLTextAreaElement>>('editBox');
  private readonly deleteButton = viewChild<ElementRef<HTMLButtonElement>>('deleteButton');
  private readonly confirmButton = viewChild<ElementRef<HTMLButtonElement>>('confirmButton');

  constructor() {
    // The composer's part of these features (reply preview, mention completion), once per composer.
    const slot = this.document.getElementById('composer-extras');
    if (slot && !composers.has(slot)) {
      composers.add(slot);
      mountInto(this.injector, 'composer-extras', ReplyPreview);
    }
  }

  /** Own messages know their room; others' are the open room's (only its messages are shown). */
  private readonly store = computed(() => this.messages.room(this.entry().outgoing?.room ?? this.active.name()!));
  /** This browser's stored message, or signed in, the person's own from any device. */
  private readonly mine = computed(() => {
    const e = this.entry();
    const me = this.auth.user();
    return e.outgoing?.status === 'sent' || (!!me && me.id === e.authorId);
  });
  /** Someone else's message with `@name` of the reader. */
  protected readonly mentionsMe = computed(() => !this.entry().outgoing && mentions(this.entry().text, this.identity.name()));
  protected readonly canEdit = computed(() => this.mine() && this.entry().text !== undefined);
  /** A moderator may delete anyone's message (the server decides; this only offers the button). */
  protected readonly canDelete = computed(() => this.mine() || !!this.auth.user()?.roles.includes('moderator'));
  protected readonly editedTime = computed(() => new Date(this.entry().editedAt!).toLocaleString());
  /** Names the message, so that a list of Edit or Delete buttons can be told apart by ear. */
  protected readonly short = computed(() => clip(this.entry().text, 40));
  protected readonly chips = computed(() => {
    const { reactions = {}, myReactions = [] } = this.entry();
    return Object.entries(reactions).map(([emoji, count]) => ({ emoji, count, mine: myReactions.includes(emoji) }));
  });
  /** The message this one answers, when it is loaded. */
  private readonly original = computed(() => {
    const seq = this.entry().replyTo;
    return seq
      ? this.store()
          .messages()
          .find((m) => m.seq === seq)
      : undefined;
  });
  protected readonly quote = computed(() => {
    const m = this.original();
    if (!m) return 'an earlier message';
    return `${m.author}: ${m.deletedAt ? 'message deleted' : clip(m.text, 80)}`;
  });

  protected async toggle(emoji: string): Promise<void> {
    const e = this.entry();
    const store = this.store();
    const on = !e.myReactions?.includes(emoji);
    const ack = await this.socket.request('react', { room: store.name, seq: e.seq!, emoji, on });
    this.error.set(ack.ok ? null : describeFailure(ack.error));
    if (ack.ok) store.update(ack.seq, { reactions: ack.counts, reactionsVersion: ack.version, myReactions: ack.mine });
  }

  protected reply(): void {
    this.store().replyTo.set(this.entry().seq!);
    this.document.getElementById('composer-text')?.focus();
  }

  protected startEditing(): void {
    this.error.set(null);
    this.item.editing.set(true);
    afterNextRender(() => this.editBox()?.nativeElement.focus(), { injector: this.injector });
  }

  protected stopEditing(): void {
    this.item.editing.set(false);
    afterNextRender(() => this.document.querySelector<HTMLElement>(`.msg[data-id="${this.entry().id}"] .msg-edit`)?.focus(), {
      injector: this.injector,
    });
  }

  /** Enter saves, Shift+Enter adds a line, as in the composer. */
  protected onEnter(event: KeyboardEvent): void {
    if (event.shiftKey) return;
    event.preventDefault();
    void this.saveEdit();
  }

  protected async saveEdit(): Promise<void> {
    const e = this.entry();
    const text = this.editBox()?.nativeElement.value ?? '';
    if (text.trim() === e.text?.trim()) return this.stopEditing();
    // The same rules as a new message, said before anything is sent.
    const checked = checkText(text.trim());
    if (!checked.ok) return this.error.set(describeFailure(checked.error));
    this.busy.set(true);
    const problem = await this.changes.editMessage(this.store().name, e.id, checked.value);
    this.busy.set(false);
    this.error.set(problem);
    if (!problem) this.stopEditing();
  }

  /** Shows the message this one answers, reading older pages until it is loaded. */
  protected async jump(): Promise<void> {
    const store = this.store();
    for (let page = 0; !this.original() && store.nextBefore() && page < JUMP_MAX_PAGES; page++) await this.messages.loadOlder(store.name);
    const target = this.original();
    if (!target) return this.error.set('The message this answers is no longer in the history');
    afterNextRender(
      () => {
        const el = this.document.querySelector<HTMLElement>(`.msg[data-id="${target.id}"]`);
        if (!el) return;
        el.tabIndex = -1;
        el.scrollIntoView?.({ block: 'center' });
        el.focus({ preventScroll: true });
      },
      { injector: this.injector },
    );
  }

  protected askDelete(): void {
    this.error.set(null);
    this.confirming.set(true);
    afterNextRender(() => this.confirmButton()?.nativeElement.focus(), { injector: this.injector });
  }

  protected cancelDelete(): void {
    this.confirming.set(false);
    afterNextRender(() => this.deleteButton()?.nativeElement.focus(), { injector: this.injector });
  }

  protected async confirmDelete(): Promise<void> {
    this.busy.set(true);
    const problem = await this.changes.deleteMessage(this.store().name, this.entry().id);
    this.busy.set(false);
    this.confirming.set(false);
    this.error.set(problem);
    // The buttons are gone with the message's content: continue in the message box.
    if (!problem) this.document.getElementById('composer-text')?.focus();
    else afterNextRender(() => this.deleteButton()?.nativeElement.focus(), { injector: this.injector });
  }
}

function clip(text: string | undefined, max: number): string {
  if (text === undefined) return 'image';
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
