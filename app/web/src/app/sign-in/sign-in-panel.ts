import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { SignInFlow } from './sign-in-flow';

/** The sign-in screen (signed out), then the sign-in's notices: sign in again, an invite accepted or refused. */
@Component({
  selector: 'app-sign-in-panel',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @switch (flow.phase()) {
      @case ('starting') {
        <p class="sign-in-wait" role="status">Signing in…</p>
      }
      @case ('signed-out') {
        <section class="sign-in" aria-labelledby="sign-in-title">
          <h2 id="sign-in-title">Sign in to the chat</h2>
          <p>This chat is for its members. Sign in with your account to read the rooms and to write in them.</p>
          @if (flow.invited()) {
            <p class="sign-in-invite">You have an invite to a private room: you join it as soon as you are signed in.</p>
          }
          @if (flow.notice(); as n) {
            <p class="field-error" role="alert">{{ n.text }}</p>
          }
          <button type="button" class="sign-in-button" (click)="flow.signIn()">Sign in</button>
        </section>
      }
      @default {
        @if (flow.notice(); as n) {
          <div class="banner sign-in-notice" [class.banner-warn]="n.signIn" [class.banner-info]="!n.signIn" role="alert">
            <span>{{ n.text }}</span>
            @if (n.signIn) {
              <button type="button" (click)="flow.signIn()">Sign in again</button>
            }
            <button type="button" class="link-button" (click)="flow.notice.set(null)">Dismiss</button>
          </div>
        }
      }
    }
  `,
  styles: `
    .sign-in {
      max-width: 30rem;
      margin: 3rem auto;
      padding: 1.5rem;
      background: var(--panel);
      border: 1px solid var(--border);
      border-radius: 8px;
    }
    .sign-in h2 {
      margin: 0 0 0.75rem;
      font-size: 1.3rem;
    }
    .sign-in-button {
      margin-top: 0.5rem;
      min-width: 8rem;
    }
    .sign-in-wait {
      margin: 3rem auto;
      color: var(--muted);
    }
    .sign-in-notice {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 0.5rem;
    }
  `,
})
export class SignInPanel {
  protected readonly flow = inject(SignInFlow);
}
