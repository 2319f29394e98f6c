import { DestroyRef, Injectable, InjectionToken, inject, signal } from '@angular/core';
import type { ErrorBody, SignedOutEvent } from '@chat/protocol';
import { RuntimeConfig } from '../config/runtime-config';
import { ChatSocket } from '../connection/chat-socket';
import { IdentityStore } from '../identity/identity-store';
import { RoomMessages } from '../messages/room-messages';
import { RoomUrl, roomFromPath } from '../rooms/room-url';
import { appRoot } from '../shared/app-root';
import { AuthSession } from '../session/auth-session';
import { authorizedFetch, bearerFor, type ApiToken } from './api-token';
import { keepInvite, pendingInvite, returnInvite, takeInvite } from './invite-link';
import { createOidcClient, isRefusal, type OidcClient, type OidcSettings, type SignedIn } from './oidc-client';

/** How the flow gets its OpenID Connect client: oidc-client-ts in the app, a fake in specs. */
export const OIDC_CLIENT = new InjectionToken<(settings: OidcSettings) => OidcClient>('OIDC_CLIENT', {
  providedIn: 'root',
  factory: () => createOidcClient,
});

/** A refresh that could not reach the provider is tried again after this long. */
export const REFRESH_RETRY_MS = 10_000;
/** A handshake refused for another reason than the token (the issuer unreachable, a limit) is tried again after this long. */
export const RECONNECT_MS = 5000;

export type SignInPhase = 'starting' | 'signed-out' | 'signed-in';

/** Something to tell the person: with `signIn`, they must sign in (again) to go on. */
export interface SignInNotice {
  text: string;
  signIn: boolean;
}

const SIGN_IN_AGAIN = 'Your sign-in has expired. Sign in again to keep chatting.';

/**
 * Sign-in with OpenID Connect for the whole page: completes the provider's redirect, keeps the session across
 * reloads, refreshes the ID token before it expires (and hands the new one to the open socket with
 * `authenticate`), answers the server's refusals (a refused handshake, `signedOut`, an API 401) by refreshing or by
 * asking to sign in again, signs out, and accepts an invite link once connected.
 */
@Injectable({ providedIn: 'root' })
export class SignInFlow {
  private readonly auth = inject(AuthSession);
  private readonly config = inject(RuntimeConfig);
  private readonly socket = inject(ChatSocket);
  private readonly identity = inject(IdentityStore);
  private readonly url = inject(RoomUrl);
  private readonly messages = inject(RoomMessages);
  private readonly createClient = inject(OIDC_CLIENT);
  private client!: OidcClient;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private expiresAt = 0;
  private refreshing: Promise<boolean> | null = null;
  /** Handshakes refused as unauthorized since the last connect: a second one after a refresh means the token itself is refused. */
  private refusals = 0;

  readonly phase = signal<SignInPhase>('starting');
  readonly notice = signal<SignInNotice | null>(null);
  /** An invite link is waiting for the sign-in. */
  readonly invited = signal(false);

  constructor() {
    inject(DestroyRef).onDestroy(() => clearTimeout(this.timer));
  }

  /** Signs in from what the page has: the provider's answer in the URL, a kept session, or a refresh token. */
  async start(): Promise<void> {
    const { issuer = '', clientId = '', scopes } = this.config.config().auth ?? {};
    this.client = this.createClient({ issuer, clientId, scopes, appUrl: appRoot() });
    const landing = new URL(this.auth.landing || 'http://localhost/');
    this.invited.set(keepInvite(landing) || pendingInvite());
    this.listen();
    const api: ApiToken = { token: () => this.auth.token, apiOrigin: this.config.socketOrigin(), unauthorized: () => void this.refresh() };
    this.auth.fetch = authorizedFetch(api, this.auth.fetch);
    this.auth.bearerFor = (url) => bearerFor(api, url);
    let signedIn: SignedIn | null = null;
    try {
      // The provider's answer: a code, or an error (the person cancelled, the provider refused) to tell them.
      const answer = landing.searchParams;
      if (answer.has('state') && (answer.has('code') || answer.has('error'))) {
        const done = await this.client.completeSignIn(landing.href);
        signedIn = done.signedIn;
        const room = roomFromPath(new URL(done.returnTo || '/', landing).pathname);
        if (room) this.url.go(room, { replace: true });
      } else {
        signedIn = (await this.client.current()) ?? (await this.client.refresh().catch(() => null));
      }
    } catch (err) {
      this.notice.set({ text: `Signing in did not work: ${(err as Error).message}`, signIn: true });
    }
    if (!signedIn) return this.phase.set('signed-out');
    this.adopt(signedIn);
    this.phase.set('signed-in');
    this.socket.start();
  }

  /** Off to the provider; back to this room. */
  signIn(): Promise<void> {
    return this.client.signIn(globalThis.location?.pathname ?? '/');
  }

  async signOut(): Promise<void> {
    clearTimeout(this.timer);
    this.auth.token = undefined;
    await this.client.signOut();
    // Only reached when the page signed out here alone (a provider without an end-session endpoint): signing out at
    // the provider leaves for its page and never comes back here. Start over at the sign-in screen.
    globalThis.location?.assign(appRoot());
  }

  /** New tokens, handed to the socket; false when the person has to sign in again (the notice says so). One at a time. */
  refresh(): Promise<boolean> {
    return (this.refreshing ??= this.runRefresh().finally(() => (this.refreshing = null)));
  }

  private async runRefresh(): Promise<boolean> {
    let signedIn: SignedIn | null;
    try {
      signedIn = await this.client.refresh();
    } catch (err) {
      if (isRefusal(err)) return this.mustSignIn(SIGN_IN_AGAIN);
      // The provider could not be reached: the token may outlive the outage.
      this.schedule(REFRESH_RETRY_MS);
      return false;
    }
    if (!signedIn) return this.mustSignIn(SIGN_IN_AGAIN);
    this.adopt(signedIn);
    if (!this.socket.connected) {
      // Refused or signed out: connect again, with the new token in the handshake.
      this.socket.start();
      return true;
    }
    const ack = await this.socket.request('authenticate', { token: signedIn.idToken });
    if (!ack.ok && ack.error.code !== 'unavailable') return this.mustSignIn(`The chat did not accept your sign-in: ${ack.error.message}`);
    return true;
  }

  private adopt(signedIn: SignedIn): void {
    this.auth.token = signedIn.idToken;
    this.expiresAt = signedIn.expiresAt;
    // The server's name (`session`) follows; until then, the token's.
    if (!this.identity.name()) this.identity.name.set(signedIn.name ?? 'you');
    // Before it expires: a minute early, or a quarter of its life for short-lived tokens.
    const left = this.expiresAt - Date.now();
    this.schedule(left - Math.min(60_000, left / 4));
    if (this.notice()?.signIn) this.notice.set(null);
  }

  private schedule(ms: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.refresh(), Math.max(0, ms));
  }

  private mustSignIn(text: string): false {
    clearTimeout(this.timer);
    this.notice.set({ text, signIn: true });
    return false;
  }

  private listen(): void {
    this.socket.on('session', (s) => {
      if (!s?.user || typeof s.user.id !== 'string' || typeof s.user.name !== 'string') return;
      this.auth.user.set(s.user);
      this.socket.clientId = s.user.id;
      this.identity.name.set(s.user.name);
    });
    this.socket.on('signedOut', (e) => void this.signedOut(e));
    this.socket.on('refused', (e) => void this.refused(e));
    this.socket.on('connect', () => {
      this.refusals = 0;
      void this.acceptInvite();
    });
    this.auth.signOut = () => void this.signOut();
    globalThis.addEventListener?.('hashchange', () => {
      if (keepInvite(new URL(location.href)) && this.socket.connected) void this.acceptInvite();
    });
  }

  private async signedOut(e: SignedOutEvent): Promise<void> {
    if (e?.reason === 'token_expired') {
      if (await this.refresh()) return;
    }
    this.mustSignIn(e?.reason === 'revoked' ? 'You were signed out. Sign in again to keep chatting.' : SIGN_IN_AGAIN);
  }

  private async refused(e: ErrorBody): Promise<void> {
    if (e.code !== 'unauthorized') {
      // The issuer unreachable, a limit: Socket.IO does not retry a refused handshake by itself.
      setTimeout(() => this.socket.start(), RECONNECT_MS);
      return;
    }
    if (++this.refusals > 1) {
      this.mustSignIn(`The chat did not accept your sign-in: ${e.message}`);
      return;
    }
    await this.refresh();
  }

  private async acceptInvite(): Promise<void> {
    const token = takeInvite();
    if (!token) return;
    this.invited.set(false);
    const ack = await this.socket.request('acceptInvite', { token });
    if (ack.ok) {
      this.url.go(ack.room);
      // Already on that room's page (refused until now), nothing else would join it again.
      void this.messages.rejoin();
      this.notice.set({ text: `You are now a member of #${ack.room}.`, signIn: false });
    } else if (ack.error.code === 'unavailable') {
      returnInvite(token);
    } else {
      this.notice.set({ text: `This invite link does not work: ${ack.error.message}`, signIn: false });
    }
  }
}
