import { ChangeDetectionStrategy, Component, afterNextRender, inject, signal } from '@angular/core';
import { ChatSocket } from './connection/chat-socket';
import { ConnectionBanner } from './connection/connection-banner';
import { IdentityForm } from './identity/identity-form';
import { IdentityStore } from './identity/identity-store';
import { RoomPicker } from './rooms/room-picker';
import { RoomMessages } from './messages/room-messages';
import { ActiveRoom } from './rooms/active-room';
import { ChatPage } from './chat/chat-page';
import { RoomList } from './unread/room-list';
import { NotifyToggle } from './notifications/notify-toggle';
import { UnreadTitle } from './unread/unread-title';

@Component({
  selector: 'app-root',
  imports: [ChatPage, ConnectionBanner, IdentityForm, RoomPicker, RoomList, NotifyToggle],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <!-- A button, not href="#composer-text": with <base href="/"> a fragment link loads the app's root. -->
    <button type="button" class="skip-link" (click)="skipToComposer()">Skip to message box</button>
    <header class="app-header">
      <h1 class="brand">
        Chat
        @if (active.name(); as room) {
          <span class="room-name">#{{ room }}</span>
        }
      </h1>
      <app-room-picker [current]="active.name()" />
      @if (identity.name(); as name) {
        <div class="me">
          <bdi class="me-name" title="Your display name">{{ name }}</bdi>
          <button
            type="button"
            class="link-button"
            (click)="editingName.set(!editingName())"
            [attr.aria-expanded]="editingName()"
            aria-controls="name-panel"
          >
            Change name
          </button>
        </div>
      }
      <app-notify-toggle />
    </header>
    <app-room-list [current]="active.name()" />
    @if (editingName() && identity.name()) {
      <div id="name-panel" class="name-panel">
        <app-identity-form [cancellable]="true" (done)="editingName.set(false)" />
      </div>
    }
    <app-connection-banner [joinProblem]="messages.joinProblem()" />
    <main class="app-main">
      <app-chat-page />
    </main>
  `,
})
export class App {
  protected readonly identity = inject(IdentityStore);
  protected readonly active = inject(ActiveRoom);
  protected readonly messages = inject(RoomMessages);
  protected readonly editingName = signal(false);

  constructor() {
    const socket = inject(ChatSocket);
    afterNextRender(() => socket.start());
    inject(UnreadTitle);
  }

  protected skipToComposer(): void {
    globalThis.document?.getElementById('composer-text')?.focus();
  }
}
