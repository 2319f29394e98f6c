import { ChangeDetectionStrategy, Component, ViewContainerRef, computed, inject, signal, viewChild } from '@angular/core';
import { AuthSession } from '../session/auth-session';
import { SignInFlow } from './sign-in-flow';

/** The header's account controls, signed in: a role badge, the rooms panel (a chunk of its own), Sign out. */
@Component({
  selector: 'app-account-menu',
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { class: 'account-menu' },
  template: `
    @if (flow.phase() === 'signed-in') {
      @if (role(); as r) {
        <span class="role-badge">{{ r }}</span>
      }
      <button type="button" class="link-button" (click)="toggleRooms()" [attr.aria-expanded]="roomsOpen()" aria-controls="rooms-panel">
        Rooms
      </button>
      <button type="button" class="link-button" (click)="auth.signOut()">Sign out</button>
    }
    <ng-container #rooms />
  `,
  styles: `
    .role-badge {
      font-size: 0.75rem;
      padding: 0.05rem 0.4rem;
      border: 1px solid var(--border);
      border-radius: 999px;
      color: var(--muted);
    }
  `,
})
export class AccountMenu {
  protected readonly auth = inject(AuthSession);
  protected readonly flow = inject(SignInFlow);
  protected readonly roomsOpen = signal(false);
  protected readonly role = computed(() => {
    const roles = this.auth.user()?.roles ?? [];
    return roles.includes('admin') ? 'Admin' : roles.includes('moderator') ? 'Moderator' : null;
  });
  private readonly roomsSlot = viewChild.required('rooms', { read: ViewContainerRef });

  protected async toggleRooms(): Promise<void> {
    const open = !this.roomsOpen();
    this.roomsOpen.set(open);
    if (!open) return this.roomsSlot().clear();
    const { RoomsPanel } = await import('../private-rooms/rooms-panel');
    if (!this.roomsOpen() || this.roomsSlot().length) return;
    const panel = this.roomsSlot().createComponent(RoomsPanel);
    panel.instance.closed.subscribe(() => {
      this.roomsOpen.set(false);
      this.roomsSlot().clear();
    });
  }
}
