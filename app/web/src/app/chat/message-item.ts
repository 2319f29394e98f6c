import { ChangeDetectionStrategy, Component, DOCUMENT, computed, inject, input } from '@angular/core';
import { RuntimeConfig } from '../config/runtime-config';
import { ChatStore } from './chat-store';
import { linkify } from './linkify';
import type { Entry, Outgoing } from './room-store';
import { timeLabel } from './time-format';

@Component({
  selector: 'app-message-item',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @let e = entry();
    <article class="msg" [class.own]="own()" [attr.data-id]="e.id" [attr.data-status]="e.outgoing?.status ?? 'stored'">
      <header class="msg-head">
        <span class="msg-author">{{ e.author }}</span>
        @if (e.sentAt) {
          <time class="msg-time" [attr.datetime]="e.sentAt" [attr.title]="fullTime()">{{ time() }}</time>
        }
        @if (e.outgoing?.status === 'sent') {
          <span class="msg-sent" title="Sent"><span aria-hidden="true">✓</span><span class="visually-hidden">Sent</span></span>
        }
      </header>
      @if (e.text !== undefined) {
        <p class="msg-text">@for (part of parts(); track $index) {@if (part.kind === 'link') {<a [href]="part.href" target="_blank" rel="noopener noreferrer nofollow ugc">{{ part.text }}</a>} @else {{{ part.text }}}}</p>
      }
      @if (imageSrc(); as src) {
        <a class="msg-image" [href]="src" target="_blank" rel="noopener noreferrer" [attr.aria-label]="'Open image from ' + e.author + ' at full size'">
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
  private readonly chat = inject(ChatStore);
  private readonly document = inject(DOCUMENT);
  readonly entry = input.required<Entry>();

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

  protected retry(o: Outgoing): void {
    this.chat.retry(o.room, o.id);
    // The Retry button goes away with the failed state; without this, focus would fall back to the
    // page and a keyboard user would lose their place. The message box is where they continue.
    this.document.getElementById('composer-text')?.focus();
  }
}
