import { ChangeDetectionStrategy, Component, inject, input } from '@angular/core';
import { RuntimeConfig } from '../config/runtime-config';
import { ChatSocket } from './chat-socket';

@Component({
  selector: 'app-connection-banner',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div role="status" aria-live="polite" class="banner-slot">
      @switch (socket.status()) {
        @case ('connecting') {
          <!-- Floats over the page: shown for a moment at start, it must not push the page down and back (layout shift). -->
          <p class="banner banner-info banner-float" data-status="connecting">Connecting to the chat…</p>
        }
        @case ('reconnecting') {
          <p class="banner banner-warn" data-status="reconnecting">
            Connection lost, reconnecting… Messages sent now will fail and can be retried.
          </p>
        }
        @case ('offline') {
          <p class="banner banner-warn" data-status="offline">You are offline. The chat catches up when the network is back.</p>
        }
      }
      @if (joinProblem(); as problem) {
        <p class="banner banner-warn" data-status="join-failed">{{ problem }}</p>
      }
      @if (config.problem(); as problem) {
        <p class="banner banner-info">{{ problem }}</p>
      }
    </div>
  `,
})
export class ConnectionBanner {
  protected readonly socket = inject(ChatSocket);
  protected readonly config = inject(RuntimeConfig);
  /** Why the open room receives no live messages (RoomMessages.joinProblem), given by the page around it. */
  readonly joinProblem = input<string | null>(null);
}
