import { DOCUMENT, Injectable, effect, inject } from '@angular/core';
import { RoomUrl } from '../rooms/room-url';
import { UnreadStore } from './unread-store';

/** The tab's title: the room as the URL names it (`#global · Chat`), prefixed with the unread total: `(3) #global · Chat`. */
@Injectable({ providedIn: 'root' })
export class UnreadTitle {
  private readonly document = inject(DOCUMENT);
  private readonly unread = inject(UnreadStore);
  private readonly url = inject(RoomUrl);

  constructor() {
    effect(() => {
      const total = this.unread.total();
      const base = `#${this.url.room()} · Chat`;
      this.document.title = total > 0 ? `(${total}) ${base}` : base;
    });
  }
}
