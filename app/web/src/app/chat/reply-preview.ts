import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';
import { RoomMessages } from '../messages/room-messages';
import { ActiveRoom } from '../rooms/active-room';
import { MentionComplete } from './mention-complete';

/**
 * Above the message box: the message the next one answers (set by a message's Reply), with a way to drop it, and the
 * `@name` completion. Mounted into the composer by the first message's actions (a chunk the first screen does without).
 */
@Component({
  selector: 'app-reply-preview',
  imports: [MentionComplete],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <app-mention-complete />
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
