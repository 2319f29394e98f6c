import { ChangeDetectionStrategy, Component, Injector, ViewContainerRef, afterNextRender, inject, signal, viewChild } from '@angular/core';
import { RuntimeConfig } from './config/runtime-config';
import { ChatSocket } from './connection/chat-socket';
import { ConnectionBanner } from './connection/connection-banner';
import { lazyNameForm } from './identity/lazy-name-form';
import { IdentityStore } from './identity/identity-store';
import { RoomPicker } from './rooms/room-picker';
import { RoomMessages } from './messages/room-messages';
import { ActiveRoom } from './rooms/active-room';
import { ChatPage } from './chat/chat-page';
import { RoomList } from './unread/room-list';
import { mountInto } from './shared/mount';
import { UnreadTitle } from './unread/unread-title';

@Component({
  selector: 'app-root',
  imports: [ChatPage, ConnectionBanner, RoomPicker, RoomList],
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
          @if (!signedIn) {
            <button
              type="button"
              class="link-button"
              (click)="editingName.set(!editingName())"
              [attr.aria-expanded]="editingName()"
              aria-controls="name-panel"
            >
              Change name
            </button>
          }
        </div>
      }
      <!-- Signed in: the account's controls (rooms, sign out), from the sign-in chunk. -->
      <div id="account" class="account"></div>
      <!-- The notifications toggle: a chunk of its own, after the first paint (its place is kept). -->
      <span id="notify" class="notify-slot"></span>
    </header>
    <app-room-list [current]="active.name()" />
    @if (editingName() && identity.name()) {
      <div id="name-panel" class="name-panel">
        <ng-container #nameForm />
      </div>
    }
    <app-connection-banner [joinProblem]="messages.joinProblem()" />
    <main class="app-main">
      <!-- Signed in: the sign-in screen, then its notices (sign in again); the chat once signed in. -->
      <div id="sign-in"></div>
      @if (identity.name() || !signedIn) {
        <app-chat-page />
      }
    </main>
  `,
})
export class App {
  protected readonly identity = inject(IdentityStore);
  protected readonly active = inject(ActiveRoom);
  protected readonly messages = inject(RoomMessages);
  protected readonly editingName = signal(false);
  private readonly config = inject(RuntimeConfig);
  protected readonly signedIn = this.config.signedIn();
  private readonly nameForm = viewChild('nameForm', { read: ViewContainerRef });

  constructor() {
    const socket = inject(ChatSocket);
    const injector = inject(Injector);
    // Signed in, the socket starts once there is a token: the sign-in chunk (oidc-client-ts, its screens) starts it.
    afterNextRender(() =>
      this.signedIn
        ? void import('./sign-in/sign-in').then(
            (m) => m.startSignIn(injector),
            () => this.config.problem.set('The sign-in could not be loaded: reload the page'),
          )
        : socket.start(),
    );
    inject(UnreadTitle);
    afterNextRender(() => void import('./notifications/notify-toggle').then((m) => mountInto(injector, 'notify', m.NotifyToggle)));
    lazyNameForm(this.nameForm, (form) => {
      form.setInput('cancellable', true);
      form.instance.done.subscribe(() => this.editingName.set(false));
    });
  }

  protected skipToComposer(): void {
    globalThis.document?.getElementById('composer-text')?.focus();
  }
}
