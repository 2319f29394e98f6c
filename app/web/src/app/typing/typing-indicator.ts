import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { TypingStore } from './typing-store';

/** "Ann is typing…" under the conversation; always in the layout, so it appears without shifting the page. */
@Component({
  selector: 'app-typing-indicator',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `<p class="typing" aria-live="polite" aria-atomic="true">{{ typing.label() }}</p>`,
})
export class TypingIndicator {
  protected readonly typing = inject(TypingStore);
}
