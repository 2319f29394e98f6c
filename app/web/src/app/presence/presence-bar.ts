import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';
import { ChatSocket } from '../connection/chat-socket';
import { PresenceStore } from './presence-store';

/** Names shown before "+n more". */
const SHOWN = 4;

/** "3 online: You, Ann, Bo" for the open room, one name per browser. */
@Component({
  selector: 'app-presence-bar',
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { class: 'presence-bar' },
  template: `
    <!-- Always in the layout, so that the conversation does not move when the first answer arrives. -->
    <p class="presence">
      @if (presence.current(); as p) {
        <span class="presence-dot" aria-hidden="true"></span>
        <span class="presence-count">{{ p.count }} online</span>
        <!-- Inline, so that no space lands before a comma ("Ann (you), Bo"). -->
        <!-- prettier-ignore -->
        @if (names().length) {<span aria-hidden="true">: </span><span class="presence-names">@for (n of names(); track n.key) {<span class="presence-name" [class.is-me]="n.me"><bdi>{{ n.author }}</bdi>@if (n.me) { (you)}</span>@if (!$last) {, }}@if (more() > 0) {, <span class="presence-more">+{{ more() }} more</span>}</span>}
      }
    </p>
  `,
})
export class PresenceBar {
  protected readonly presence = inject(PresenceStore);
  private readonly socket = inject(ChatSocket);

  protected readonly names = computed(() =>
    (this.presence.current()?.members ?? []).slice(0, SHOWN).map((m) => {
      return { key: m.clientId, me: m.clientId === this.socket.clientId, author: m.author };
    }),
  );
  protected readonly more = computed(() => Math.max(0, (this.presence.current()?.members.length ?? 0) - SHOWN));
}
