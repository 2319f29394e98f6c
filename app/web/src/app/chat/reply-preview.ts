import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';
import { RoomMessages } from '../messages/room-messages';
import { ActiveRoom } from '../rooms/active-room';

/** Above the message box: the message the next one answers (set by a message's Reply), with a way to drop it. */
@Component({
  selector: 'app-reply-preview',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @if (original(); as r) {
      <p class="composer-reply">
        <span
          >Replying to <bdi>{{ r.author }}</bdi>: {{ r.text ?? 'image' }}</span
        >
        <button type="button" class="link-button" (click)="store().replyTo.set(null)" aria-label="Cancel the reply">×</button>
      </p>
    }
  `,
  styles: `
    .composer-reply {
      display: flex;
      align-items: center;
      margin: 0 0 0.3rem;
      font-size: 0.8rem;
      color: var(--muted);
    }
    span {
      overflow: hidden;
      text-overflow: ellipsis;
      white-space: nowrap;
    }
  `,
})
export class ReplyPreview {
  private readonly messages = inject(RoomMessages);
  private readonly active = inject(ActiveRoom);
  protected readonly store = computed(() => this.messages.room(this.active.name()!));
  protected readonly original = computed(() => {
    const seq = this.store().replyTo();
    return seq
      ? this.store()
          .messages()
          .find((m) => m.seq === seq)
      : undefined;
  });
}
