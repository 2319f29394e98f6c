import {
  ChangeDetectionStrategy,
  Component,
  Injector,
  ViewContainerRef,
  afterNextRender,
  computed,
  effect,
  inject,
  signal,
  untracked,
  viewChild,
} from '@angular/core';
import { DEFAULT_ROOM } from '@chat/protocol';
import { Composer } from '../composer/composer';
import { lazyNameForm } from '../identity/lazy-name-form';
import { IdentityStore } from '../identity/identity-store';
import { normalizeRoom } from '../rooms/room-name';
import { RoomUrl } from '../rooms/room-url';
import { RoomMessages } from '../messages/room-messages';
import { MessageList } from './message-list';
import { mountInto } from '../shared/mount';
import { TypingIndicator } from '../typing/typing-indicator';

/** The page of one room (`/r/<room>`): its messages, and the composer or, for a newcomer, the name form. */
@Component({
  selector: 'app-chat-page',
  imports: [MessageList, Composer, TypingIndicator],
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: {
    class: 'chat-page',
    '[class.dragging]': 'dragging()',
    '(dragover)': 'onDragOver($event)',
    '(dragleave)': 'dragging.set(false)',
    '(drop)': 'onDrop($event)',
  },
  template: `
    @if (store(); as room) {
      <!-- Who is online: a chunk of its own, after the first paint, in a line kept for it. -->
      <div id="presence" class="presence-slot"></div>
      <app-message-list [store]="room" />
      <app-typing-indicator />
      @if (identity.name()) {
        <app-composer [room]="room.name" />
      } @else {
        <div class="composer-slot"><ng-container #nameForm /></div>
      }
    }
    @if (dragging()) {
      <div class="drop-hint" aria-hidden="true">Drop an image to send it</div>
    }
  `,
})
export class ChatPage {
  private readonly messages = inject(RoomMessages);
  private readonly url = inject(RoomUrl);
  protected readonly identity = inject(IdentityStore);
  /** As the URL names it. */
  private readonly room = this.url.room;
  private readonly normalized = computed(() => normalizeRoom(this.room()));
  protected readonly store = computed(() => {
    const n = this.normalized();
    return n.ok && n.room === this.room() ? this.messages.room(n.room) : null;
  });
  protected readonly dragging = signal(false);
  private readonly composer = viewChild(Composer);
  private readonly nameForm = viewChild('nameForm', { read: ViewContainerRef });

  constructor() {
    lazyNameForm(this.nameForm);
    const injector = inject(Injector);
    afterNextRender(() => void import('../presence/presence-bar').then((m) => mountInto(injector, 'presence', m.PresenceBar)));
    effect(() => {
      const n = this.normalized();
      // A hand-typed URL like /r/Team%20Chat goes to the room it means; nonsense goes home.
      if (!n.ok) this.url.go(DEFAULT_ROOM, { replace: true });
      else if (n.room !== this.room()) this.url.go(n.room, { replace: true });
      // Only the room drives this effect, not the store signals that entering reads.
      else untracked(() => void this.messages.enter(n.room));
    });
  }

  protected onDragOver(event: DragEvent): void {
    if (!event.dataTransfer?.types.includes('Files') || !this.composer()) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
    this.dragging.set(true);
  }

  protected onDrop(event: DragEvent): void {
    this.dragging.set(false);
    const files = event.dataTransfer?.files;
    if (!files?.length || !this.composer()) return;
    event.preventDefault();
    this.composer()!.addFiles(files);
  }
}
