import { ChangeDetectionStrategy, Component, ElementRef, afterNextRender, inject, input, output, signal, viewChild } from '@angular/core';
import { AUTHOR_MAX } from '@chat/protocol';
import { IdentityStore } from './identity-store';

@Component({
  selector: 'app-identity-form',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <form class="identity-form" (submit)="$event.preventDefault(); save()" novalidate>
      <label for="name-input">{{ cancellable() ? 'Your display name' : 'Choose a display name to start chatting' }}</label>
      <div class="inline">
        <input
          #field
          id="name-input"
          name="name"
          autocomplete="off"
          [value]="draft()"
          (input)="draft.set(field.value); error.set(null)"
          [attr.aria-invalid]="error() ? true : null"
          [attr.aria-describedby]="error() ? 'name-error' : 'name-hint'"
        />
        <button type="submit">Save</button>
        @if (cancellable()) {
          <button type="button" class="secondary" (click)="done.emit()">Cancel</button>
        }
      </div>
      @if (error(); as message) {
        <p id="name-error" class="field-error" role="alert">{{ message }}</p>
      } @else {
        <p id="name-hint" class="hint">Up to {{ max }} characters. Others see it next to your messages.</p>
      }
    </form>
  `,
})
export class IdentityForm {
  private readonly identity = inject(IdentityStore);
  readonly cancellable = input(false);
  readonly done = output<void>();
  protected readonly draft = signal(this.identity.name() ?? '');
  protected readonly error = signal<string | null>(null);
  protected readonly max = AUTHOR_MAX;
  private readonly field = viewChild.required<ElementRef<HTMLInputElement>>('field');

  constructor() {
    afterNextRender(() => {
      // The form only appears when a name is wanted now: a newcomer's first step, or "Change name".
      this.field().nativeElement.focus();
      if (this.cancellable()) this.field().nativeElement.select();
    });
  }

  protected save(): void {
    const error = this.identity.set(this.draft());
    this.error.set(error);
    if (!error) this.done.emit();
  }
}
