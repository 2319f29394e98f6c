import {
  ChangeDetectionStrategy,
  Component,
  DOCUMENT,
  ElementRef,
  Injector,
  afterNextRender,
  computed,
  inject,
  input,
  signal,
  viewChild,
} from '@angular/core';
import { RuntimeConfig } from '../config/runtime-config';
import { SendStore } from '../sending/send-store';
import { ActiveRoom } from '../rooms/active-room';
import { AuthSession } from '../session/auth-session';
import { linkify } from './linkify';
import type { Entry, Outgoing } from '../messages/room-store';
import { timeLabel } from './time-format';

@Component({
  selector: 'app-message-item',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @let e = entry();
    <article
      class="msg"
      [class.own]="own()"
      [class.deleted]="!!e.deletedAt"
      [attr.data-id]="e.id"
      [attr.data-status]="e.outgoing?.status ?? 'stored'"
    >
      <header class="msg-head">
        <!-- Isolated: a name typed with bidi controls or right-to-left letters cannot turn the rest of the line around. -->
        <bdi class="msg-author">{{ e.author }}</bdi>
        @if (e.sentAt) {
          <time class="msg-time" [attr.datetime]="e.sentAt" [attr.title]="fullTime()">{{ time() }}</time>
        }
        @if (e.outgoing?.status === 'sent') {
          <span class="msg-sent" title="Sent"><span aria-hidden="true">✓</span><span class="visually-hidden">Sent</span></span>
        }
        @if (canDelete() && !confirming()) {
          <button #deleteButton type="button" class="link-button msg-delete" (click)="askDelete()" [attr.aria-label]="deleteLabel()">
            Delete
          </button>
        }
      </header>
      @if (e.deletedAt) {
        <p class="msg-deleted">Message deleted</p>
      }
      @if (confirming()) {
        <div class="msg-confirm" role="group" aria-label="Confirm delete">
          <span>Delete this message for everyone?</span>
          <button #confirmButton type="button" class="danger" (click)="confirmDelete()" [disabled]="deleting()">Delete</button>
          <button type="button" class="secondary" (click)="cancelDelete()" [disabled]="deleting()">Cancel</button>
        </div>
      }
      @if (deleteError(); as message) {
        <p class="msg-status failed" role="alert">{{ message }}</p>
      }
      @if (e.text !== undefined) {
        <!-- On one line: the text is pre-wrap, so any whitespace between these blocks would show in the message.
             Its direction follows its first strong letter; a link reads left to right, isolated from the text around it,
             with its real host beside it when its text could pass for another (linkify). -->
        <!-- prettier-ignore -->
        <p class="msg-text" dir="auto">@for (part of parts(); track $index) {@if (part.kind === 'link') {<a dir="ltr" [href]="part.href" target="_blank" rel="noopener noreferrer nofollow ugc">{{ part.text }}</a>@if (part.host) {<span class="link-host" dir="ltr"> ({{ part.host }})</span>}} @else {{{ part.text }}}}</p>
      }
      @if (imageSrc(); as src) {
        <a
          class="msg-image"
          [href]="src"
          target="_blank"
          rel="noopener noreferrer"
          [attr.aria-label]="'Open image from ' + e.author + ' at full size'"
        >
          <img [src]="src" [alt]="'Image from ' + e.author" loading="lazy" decoding="async" />
        </a>
      }
      @if (e.outgoing; as o) {
        @switch (o.status) {
          @case ('uploading') {
            <p class="msg-status">
              <label class="progress-label">Uploading <progress max="1" [value]="o.progress ?? 0"></progress></label>
            </p>
          }
          @case ('pending') {
            <p class="msg-status pending">Sending…</p>
          }
          @case ('failed') {
            <p class="msg-status failed" role="alert">
              Not sent: {{ o.error }}
              <button type="button" class="retry" (click)="retry(o)">Retry</button>
            </p>
          }
        }
      }
    </article>
  `,
})
export class MessageItem {
  private readonly config = inject(RuntimeConfig);
  private readonly sending = inject(SendStore);
  private readonly auth = inject(AuthSession);
  private readonly active = inject(ActiveRoom);
  private readonly document = inject(DOCUMENT);
  private readonly injector = inject(Injector);
  readonly entry = input.required<Entry>();
  protected readonly confirming = signal(false);
  protected readonly deleting = signal(false);
  protected readonly deleteError = signal<string | null>(null);
  private readonly deleteButton = viewChild<ElementRef<HTMLButtonElement>>('deleteButton');
  private readonly confirmButton = viewChild<ElementRef<HTMLButtonElement>>('confirmButton');

  /**
   * Own means sent from this tab (the store keeps those ids and marks their entries with `outgoing`):
   * names are not unique, so anyone else using the same display name is not "me".
   */
  protected readonly own = computed(() => !!this.entry().outgoing);
  /**
   * This browser's own stored messages (it holds their deleteKey); signed in, also the person's messages from any
   * device and, for a moderator, every message. Nobody else is offered the button.
   */
  protected readonly canDelete = computed(() => {
    const e = this.entry();
    const me = this.auth.user();
    const mine = e.outgoing?.status === 'sent' || (!!me && (me.id === e.authorId || me.roles.includes('moderator')));
    return mine && !!e.seq && !e.deletedAt;
  });
  /** Names the message, so that a list of Delete buttons can be told apart by ear. */
  protected readonly deleteLabel = computed(() => {
    const text = this.entry().text;
    const what = text === undefined ? 'image' : text.length > 40 ? `${text.slice(0, 40)}…` : text;
    return `Delete this message: ${what}`;
  });
  protected readonly parts = computed(() => linkify(this.entry().text ?? ''));
  protected readonly time = computed(() => (this.entry().sentAt ? timeLabel(this.entry().sentAt!) : ''));
  protected readonly fullTime = computed(() => (this.entry().sentAt ? new Date(this.entry().sentAt!).toLocaleString() : ''));
  /** Server image URLs may be relative to the API, which need not be this page's origin. */
  protected readonly imageSrc = computed(() => {
    const url = this.entry().imageUrl;
    return url ? this.config.resolve(url) : null;
  });

  protected askDelete(): void {
    this.deleteError.set(null);
    this.confirming.set(true);
    afterNextRender(() => this.confirmButton()?.nativeElement.focus(), { injector: this.injector });
  }

  protected cancelDelete(): void {
    this.confirming.set(false);
    afterNextRender(() => this.deleteButton()?.nativeElement.focus(), { injector: this.injector });
  }

  protected async confirmDelete(): Promise<void> {
    const e = this.entry();
    this.deleting.set(true);
    // Own messages know their room; others' (a moderator's delete) are the open room's.
    const problem = await this.sending.deleteMessage(e.outgoing?.room ?? this.active.name()!, e.id);
    this.deleting.set(false);
    this.confirming.set(false);
    this.deleteError.set(problem);
    // The buttons are gone with the message's content: continue in the message box.
    if (!problem) this.document.getElementById('composer-text')?.focus();
    else afterNextRender(() => this.deleteButton()?.nativeElement.focus(), { injector: this.injector });
  }

  protected retry(o: Outgoing): void {
    this.sending.retry(o.room, o.id);
    // The Retry button goes away with the failed state; without this, focus would fall back to the
    // page and a keyboard user would lose their place. The message box is where they continue.
    this.document.getElementById('composer-text')?.focus();
  }
}
