import { ChangeDetectionStrategy, Component, inject, input } from '@angular/core';
import { Router, RouterLink } from '@angular/router';
import { DEFAULT_ROOM } from '@chat/protocol';
import { ChatStore } from '../chat/chat-store';
import { RoomListStore } from './room-list-store';
import { UnreadStore } from './unread-store';

/** The rooms this browser joined, each with its unread count; the open one marked, others a click away. */
@Component({
  selector: 'app-room-list',
  imports: [RouterLink],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <nav class="room-list" aria-label="Your rooms">
      <ul>
        @for (room of list.rooms(); track room) {
          @let u = unread.byRoom().get(room);
          <li class="room-chip" [class.active]="room === current()" [attr.data-room]="room">
            <a [routerLink]="['/r', room]" [attr.aria-current]="room === current() ? 'page' : null">
              #{{ room }}
              @if (u) {
                <span class="unread-badge" aria-hidden="true">{{ u.count }}{{ u.more ? '+' : '' }}</span>
                <span class="visually-hidden">, {{ u.count }}{{ u.more ? ' or more' : '' }} unread</span>
              }
            </a>
            @if (room !== defaultRoom) {
              <button type="button" class="room-leave" (click)="leave(room)" [attr.aria-label]="'Leave #' + room" title="Leave this room">×</button>
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
  private readonly chat = inject(ChatStore);
  private readonly router = inject(Router);
  readonly current = input<string | null>(null);
  protected readonly defaultRoom = DEFAULT_ROOM;

  protected async leave(room: string): Promise<void> {
    this.unread.clear(room);
    if (room === this.current()) await this.router.navigate(['/r', DEFAULT_ROOM]);
    await this.chat.forget(room);
    // Its button is gone: keep a keyboard user in the list.
    globalThis.document?.querySelector<HTMLElement>('.room-list a[aria-current=page], .room-list a')?.focus();
  }
}
