import { DOCUMENT, Injectable, inject, signal } from '@angular/core';

/** Whether the reader can see this tab (`visibilitychange`): a hidden tab's messages are unread and notified. */
@Injectable({ providedIn: 'root' })
export class PageVisibility {
  private readonly document = inject(DOCUMENT);
  readonly visible = signal(this.document.visibilityState !== 'hidden');

  constructor() {
    this.document.addEventListener('visibilitychange', () => this.visible.set(this.document.visibilityState !== 'hidden'));
  }
}
