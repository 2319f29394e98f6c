import { ChangeDetectionStrategy, Component, effect, inject, input, signal, untracked } from '@angular/core';
import { normalizeRoom } from './room-name';
import { RoomUrl } from './room-url';

@Component({
  selector: 'app-room-picker',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <form class="room-picker" role="search" (submit)="$event.preventDefault(); go()" novalidate>
      <label for="room-input" class="visually-hidden">Room name</label>
      <input
        #field
        id="room-input"
        name="room"
        placeholder="Go to room…"
        autocapitalize="none"
        autocomplete="off"
        spellcheck="false"
        [value]="draft()"
        (input)="draft.set(field.value); error.set(null)"
        [attr.aria-invalid]="error() ? true : null"
        [attr.aria-describedby]="error() ? 'room-error' : null"
      />
      <button type="submit">Join</button>
      @if (error(); as message) {
        <p id="room-error" class="field-error" role="alert">{{ message }}</p>
      }
    </form>
  `,
})
export class RoomPicker {
  private readonly url = inject(RoomUrl);
  readonly current = input<string | null>(null);
  protected readonly draft = signal('');
  protected readonly error = signal<string | null>(null);

  constructor() {
    // Emptied whenever the room changes, ready for the next one.
    effect(() => {
      this.current();
      untracked(() => this.draft.set(''));
    });
  }

  protected go(): void {
    const result = normalizeRoom(this.draft());
    if (!result.ok) {
      this.error.set(result.error);
      return;
    }
    this.draft.set('');
    this.url.go(result.room);
  }
}
