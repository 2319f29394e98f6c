import {
  ChangeDetectionStrategy,
  Component,
  DOCUMENT,
  DestroyRef,
  ViewContainerRef,
  computed,
  effect,
  inject,
  input,
  signal,
  viewChild,
} from '@angular/core';
import { RuntimeConfig } from '../config/runtime-config';
import { SendStore } from '../sending/send-store';
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
      </header>
      @if (e.deletedAt) {
        <p class="msg-deleted">Message deleted</p>
      }
      @if (e.text !== undefined && !editing()) {
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
      <!-- Reply, edit, delete and reactions: a chunk of its own (message-actions), under the message. -->
      <ng-container #actions />
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
  private readonly document = inject(DOCUMENT);
  readonly entry = input.required<Entry>();
  /** Set by the actions while the text is being edited in place. */
  readonly editing = signal(false);
  private readonly actions = viewChild('actions', { read: ViewContainerRef });

  /**
   * Own means sent from this tab (the store keeps those ids and marks their entries with `outgoing`):
   * names are not unique, so anyone else using the same display name is not "me".
   */
  protected readonly own = computed(() => !!this.entry().outgoing);
  protected readonly parts = computed(() => linkify(this.entry().text ?? ''));
  protected readonly time = computed(() => (this.entry().sentAt ? timeLabel(this.entry().sentAt!) : ''));
  protected readonly fullTime = computed(() => (this.entry().sentAt ? new Date(this.entry().sentAt!).toLocaleString() : ''));
  /** Server image URLs may be relative to the API, which need not be this page's origin. */
  protected readonly imageSrc = computed(() => {
    const url = this.entry().imageUrl;
    return url ? this.config.resolve(url) : null;
  });

  constructor() {
    const host = inject(DestroyRef);
    effect(() => {
      const slot = this.actions();
      if (slot) void import('./message-actions').then((m) => host.destroyed || slot.length || slot.createComponent(m.MessageActions));
    });
  }

  protected retry(o: Outgoing): void {
    this.sending.retry(o.room, o.id);
    // The Retry button goes away with the failed state; without this, focus would fall back to the
    // page and a keyboard user would lose their place. The message box is where they continue.
    this.document.getElementById('composer-text')?.focus();
  }
}
