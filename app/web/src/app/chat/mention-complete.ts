import { ChangeDetectionStrategy, Component, DestroyRef, ElementRef, computed, inject, signal } from '@angular/core';
import { ChatSocket } from '../connection/chat-socket';
import { PresenceStore } from '../presence/presence-store';

/** At most this many names are offered. */
const OFFERED = 6;

/**
 * `@name` completion in the message box: while the word before the caret starts with `@`, the room's members online
 * (presence) whose names start with the rest are offered in a list under the box; ArrowDown/ArrowUp choose, Enter or
 * Tab takes one, Escape closes (a combobox's keys). Lives inside the composer's form
 * and listens to its message box there, so the composer itself (first screen) needs no code for it.
 */
@Component({
  selector: 'app-mention-complete',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @if (offered().length) {
      <ul id="mention-options" class="mention-options" role="listbox" aria-label="Mention">
        @for (name of offered(); track name; let i = $index) {
          <li
            role="option"
            [id]="'mention-' + i"
            [attr.aria-selected]="i === chosen()"
            [class.chosen]="i === chosen()"
            (mousedown)="$event.preventDefault(); take(name)"
          >
            <bdi>{{ '@' + name }}</bdi>
          </li>
        }
      </ul>
    }
  `,
  styles: `
    .mention-options {
      list-style: none;
      margin: 0 0 0.3rem;
      padding: 0.2rem;
      border: 1px solid var(--border);
      border-radius: 6px;
      background: var(--panel);
      max-width: 20rem;
    }
    li {
      padding: 0.25rem 0.5rem;
      border-radius: 4px;
      cursor: pointer;
    }
    li.chosen {
      background: var(--info-bg);
      font-weight: 600;
    }
  `,
})
export class MentionComplete {
  private readonly presence = inject(PresenceStore);
  private readonly socket = inject(ChatSocket);
  /** What follows the `@` before the caret; null when the caret is not in a mention. */
  private readonly query = signal<string | null>(null);
  protected readonly chosen = signal(0);
  protected readonly offered = computed(() => {
    const q = this.query()?.toLowerCase();
    if (q === undefined) return [];
    const names = (this.presence.current()?.members ?? []).filter((m) => m.clientId !== this.socket.clientId).map((m) => m.author);
    const offered = [...new Set(names.filter((n) => n.toLowerCase().startsWith(q)))].slice(0, OFFERED);
    // A name typed in full needs no list, and Enter sends again.
    return offered.length === 1 && offered[0].toLowerCase() === q ? [] : offered;
  });
  private readonly box = inject<ElementRef<HTMLElement>>(ElementRef).nativeElement.closest('form')?.querySelector('textarea') ?? null;

  constructor() {
    const box = this.box;
    if (!box) return;
    const form = box.form!;
    box.setAttribute('aria-autocomplete', 'list');
    const onInput = () => this.read();
    const onBlur = () => this.close();
    // On the form, in the capture phase: before the composer's own Enter (send) on the box.
    const onKey = (event: KeyboardEvent) => event.target === box && this.onKey(event);
    box.addEventListener('input', onInput);
    box.addEventListener('click', onInput);
    box.addEventListener('blur', onBlur);
    form.addEventListener('keydown', onKey, true);
    inject(DestroyRef).onDestroy(() => {
      box.removeEventListener('input', onInput);
      box.removeEventListener('click', onInput);
      box.removeEventListener('blur', onBlur);
      form.removeEventListener('keydown', onKey, true);
    });
  }

  private read(): void {
    const box = this.box!;
    const before = box.value.slice(0, box.selectionStart ?? box.value.length);
    const m = /(?:^|\s)@([^\s@]*)$/.exec(before);
    this.query.set(m ? m[1] : null);
    this.chosen.set(0);
    this.describe();
  }

  private onKey(event: KeyboardEvent): void {
    const names = this.offered();
    if (!names.length || event.isComposing) return;
    const step = { ArrowDown: 1, ArrowUp: -1 }[event.key];
    if (step) this.chosen.set((this.chosen() + step + names.length) % names.length);
    else if ((event.key === 'Enter' && !event.shiftKey) || event.key === 'Tab') this.take(names[this.chosen()]);
    else if (event.key === 'Escape') this.close();
    else return;
    event.preventDefault();
    event.stopPropagation();
    this.describe();
  }

  /** Puts `@name ` in place of the `@…` being typed, and tells the composer (its draft follows `input`). */
  protected take(name: string): void {
    const box = this.box!;
    const caret = box.selectionStart ?? box.value.length;
    const start = box.value.lastIndexOf('@', caret - 1);
    box.value = `${box.value.slice(0, start)}@${name} ${box.value.slice(caret)}`;
    const after = start + name.length + 2;
    box.setSelectionRange(after, after);
    box.dispatchEvent(new Event('input', { bubbles: true }));
    this.close();
  }

  private close(): void {
    this.query.set(null);
    this.describe();
  }

  /**
   * Which list the box completes from and which option is the active one, while it is open (a textbox takes
   * `aria-autocomplete` and `aria-activedescendant`; `aria-expanded` would need the combobox role, not a message box's).
   */
  private describe(): void {
    const box = this.box!;
    const open = this.offered().length > 0;
    if (open) box.setAttribute('aria-controls', 'mention-options');
    else box.removeAttribute('aria-controls');
    if (open) box.setAttribute('aria-activedescendant', `mention-${this.chosen()}`);
    else box.removeAttribute('aria-activedescendant');
  }
}
