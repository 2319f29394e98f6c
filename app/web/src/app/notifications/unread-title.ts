import { DOCUMENT, Injectable, effect, inject, signal } from '@angular/core';
import { TitleStrategy, type RouterStateSnapshot } from '@angular/router';
import { UnreadStore } from '../rooms/unread-store';

/** The route's title (`#global · Chat`), prefixed with the unread total: `(3) #global · Chat`. */
@Injectable()
export class UnreadTitleStrategy extends TitleStrategy {
  private readonly document = inject(DOCUMENT);
  private readonly unread = inject(UnreadStore);
  private readonly base = signal('Chat');

  constructor() {
    super();
    effect(() => {
      const total = this.unread.total();
      this.document.title = total > 0 ? `(${total}) ${this.base()}` : this.base();
    });
  }

  override updateTitle(snapshot: RouterStateSnapshot): void {
    this.base.set(this.buildTitle(snapshot) ?? 'Chat');
  }
}
