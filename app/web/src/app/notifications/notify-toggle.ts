import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { DesktopNotifier } from './desktop-notifier';

/** The opt-in for desktop notifications: the browser is asked only when this button is pressed. */
@Component({
  selector: 'app-notify-toggle',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @switch (notifier.state()) {
      @case ('off') {
        <button type="button" class="link-button notify-toggle" (click)="notifier.enable()">Enable notifications</button>
      }
      @case ('on') {
        <button type="button" class="link-button notify-toggle" aria-pressed="true" (click)="notifier.disable()">Notifications on</button>
      }
      @case ('denied') {
        <span class="hint notify-toggle" title="Allow notifications for this site in the browser's settings">Notifications blocked</span>
      }
    }
  `,
})
export class NotifyToggle {
  protected readonly notifier = inject(DesktopNotifier);
}
