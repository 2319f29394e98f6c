import { ChangeDetectionStrategy, Component, ElementRef, computed, effect, inject, input, signal, viewChild } from '@angular/core';
import { TEXT_MAX, checkText } from '@chat/protocol';
import { RoomMessages } from '../messages/room-messages';
import { SendStore } from '../sending/send-store';
import { codePointLength } from '../shared/code-points';
import { RuntimeConfig } from '../config/runtime-config';
import { IdentityStore } from '../identity/identity-store';
import { TypingNotifier } from '../typing/typing-notifier';

/** Shown once the text gets near the limit, so the count is there before it matters. */
const COUNT_FROM = Math.floor(TEXT_MAX * 0.8);

@Component({
  selector: 'app-composer',
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { class: 'composer-slot' },
  template: `
    <form class="composer" (submit)="$event.preventDefault(); send()" novalidate>
      @if (error(); as message) {
        <p class="field-error" role="alert" id="composer-error">
          {{ message }}
          <button type="button" class="link-button" (click)="error.set(null)" aria-label="Dismiss">×</button>
        </p>
      }
      <!-- What the next message answers, and @name completion: reply-preview, mounted by the first message's actions. -->
      <div id="composer-extras"></div>
      <div class="composer-row">
        <input
          #file
          type="file"
          class="visually-hidden"
          tabindex="-1"
          aria-hidden="true"
          [attr.accept]="accept()"
          multiple
          (change)="onPicked(file)"
        />
        <button
          type="button"
          class="icon-button"
          (click)="file.click()"
          aria-label="Attach an image"
          title="Attach an image (or paste / drop one)"
        >
          <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
            <path
              fill="currentColor"
              d="M16.5 6.5v9.25a4.5 4.5 0 0 1-9 0V5a3 3 0 0 1 6 0v10a1.5 1.5 0 0 1-3 0V6.5H9V15a3 3 0 0 0 6 0V5a4.5 4.5 0 0 0-9 0v10.75a6 6 0 0 0 12 0V6.5z"
            />
          </svg>
        </button>
        <label for="composer-text" class="visually-hidden">Message to #{{ room() }}</label>
        <textarea
          #box
          id="composer-text"
          rows="1"
          [placeholder]="'Message #' + room()"
          [value]="text()"
          (input)="onInput(box.value)"
          (blur)="typing.stop()"
          (keydown)="onKey($event)"
          (paste)="onPaste($event)"
          [attr.aria-invalid]="over() ? true : null"
          aria-describedby="composer-meta"
        ></textarea>
        <button type="submit" class="send" [disabled]="!canSend()">Send</button>
      </div>
      <p class="composer-meta" id="composer-meta">
        <span class="hint">Enter to send · Shift+Enter for a new line</span>
        @if (length() >= countFrom) {
          <span class="count" [class.over]="over()">{{ length() }} / {{ max }}</span>
        }
      </p>
    </form>
  `,
})
export class Composer {
  private readonly messages = inject(RoomMessages);
  private readonly sending = inject(SendStore);
  private readonly identity = inject(IdentityStore);
  private readonly config = inject(RuntimeConfig);
  protected readonly typing = inject(TypingNotifier);
  readonly room = input.required<string>();
  private readonly box = viewChild.required<ElementRef<HTMLTextAreaElement>>('box');

  protected readonly max = TEXT_MAX;
  protected readonly countFrom = COUNT_FROM;
  /** Each room keeps its own draft: switching rooms shows that room's, switching back restores this one. */
  private readonly store = computed(() => this.messages.room(this.room()));
  protected readonly draft = computed(() => this.store().draft);
  protected readonly text = computed(() => this.draft()());
  protected readonly error = signal<string | null>(null);
  protected readonly length = computed(() => codePointLength(this.text().trim()));
  protected readonly over = computed(() => this.length() > TEXT_MAX);
  protected readonly canSend = computed(() => this.length() > 0 && !this.over());
  protected readonly accept = computed(() => this.config.config().imageTypes.join(','));

  constructor() {
    // Another room: whatever was being typed is not being typed there.
    effect(() => {
      this.room();
      this.typing.stop();
    });
  }

  protected onInput(value: string): void {
    this.draft().set(value);
    this.typing.input(this.room(), value);
  }

  protected onKey(event: KeyboardEvent): void {
    // isComposing: Enter that confirms an IME candidate is not a send.
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      this.send();
    }
  }

  send(): void {
    const author = this.identity.name();
    // Read once: the draft cleared below must be the one of the room the message goes to.
    const room = this.room();
    const draft = this.draft();
    const text = draft().trim();
    if (!author || !text) return;
    const parsed = checkText(text);
    if (!parsed.ok) {
      this.error.set(parsed.error.message.replace(/^text: /, 'Message: '));
      return;
    }
    this.typing.stop();
    const store = this.store();
    this.sending.sendText(room, author, text, store.replyTo() ?? undefined);
    store.replyTo.set(null);
    draft.set('');
    this.error.set(null);
    this.box().nativeElement.focus();
  }

  addFiles(files: FileList | readonly File[]): void {
    const author = this.identity.name();
    if (!author) return;
    const problems: string[] = [];
    for (const file of Array.from(files)) {
      const problem = this.sending.sendImage(this.room(), author, file);
      if (problem) problems.push(problem);
    }
    this.error.set(problems.length ? problems.join(' ') : null);
  }

  protected onPicked(input: HTMLInputElement): void {
    if (input.files?.length) this.addFiles(input.files);
    input.value = '';
    this.box().nativeElement.focus();
  }

  protected onPaste(event: ClipboardEvent): void {
    const files = Array.from(event.clipboardData?.files ?? []);
    if (files.length === 0) return;
    event.preventDefault();
    this.addFiles(files);
  }
}
