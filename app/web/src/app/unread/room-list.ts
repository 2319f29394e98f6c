import { ChangeDetectionStrategy, Component, inject, input } from '@angular/core';
import { DEFAULT_ROOM } from '@chat/protocol';
import { RoomMessages } from '../messages/room-messages';
import { RoomListStore } from '../rooms/room-list-store';
import { RoomUrl } from '../rooms/room-url';
import { UnreadStore } from './unread-store';

/** The rooms this browser joined, each with its unread count; the open one marked, others a click away. */
@Component({
  selector: 'app-room-list',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <nav class="room-list" aria-label="Your rooms">
      <ul>
        @for (room of list.rooms(); track room) {
          @let u = unread.byRoom().get(room);
          <li class="room-chip" [class.active]="room === current()" [attr.data-room]="room">
            <!-- A plain link (RouterLink costs ~10 kB of bundle): a modified click still opens a new tab. -->
            <a [href]="'r/' + room" (click)="open($event, room)" [attr.aria-current]="room === current() ? 'page' : null">
              #{{ room }}
              @if (u) {
                <!-- Mentions of the reader counted apart: "@1 · 5". -->
                <span class="unread-badge" [class.mention-badge]="u.mentions" aria-hidden="true"
                  >{{ u.mentions ? '@' + u.mentions + ' · ' : '' }}{{ u.count }}{{ u.more ? '+' : '' }}</span
                >
                <span class="visually-hidden"
                  >, {{ u.count }}{{ u.more ? ' or more' : '' }} unread{{ u.mentions ? ', ' + u.mentions + ' mentioning you' : '' }}</span
                >
              }
            </a>
            @if (room !== defaultRoom) {
              <button type="button" class="room-leave" (click)="leave(room)" [attr.aria-label]="'Leave #' + room" title="Leave this room">
                ×
              </button>
            }
          </li>
        }
      </ul>
    </nav>
  `,
})
export class RoomList {
  protected readonly list = inject(RoomListStore);
  protected readonly unread = inject(UnreadStore);
  private readonly messages = inject(RoomMessages);
  private readonly url = inject(RoomUrl);
  readonly current = input<string | null>(null);
  protected readonly defaultRoom = DEFAULT_ROOM;

  protected open(event: MouseEvent, room: string): void {
    if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    this.url.go(room);
  }

  protected async leave(room: string): Promise<void> {
    this.unread.clear(room);
    if (room === this.current()) this.url.go(DEFAULT_ROOM);
    await this.messages.forget(room);
    // Its button is gone: keep a keyboard user in the list.
    globalThis.document?.querySelector<HTMLElement>('.room-list a[aria-current=page], .room-list a')?.focus();
  }
}
