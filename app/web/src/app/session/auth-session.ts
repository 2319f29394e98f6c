import { Injectable, signal } from '@angular/core';
import type { SessionUser } from '@chat/protocol';

/**
 * What the first screen needs of sign-in (config.json `auth.mode` `signed-in`): the ID token the socket's
 * handshake carries, who the server says we are, and the page's `fetch`. The sign-in chunk (oidc-client-ts, its
 * screens, the token on API requests, refresh) fills these in; in open mode they stay as they are here.
 */
@Injectable({ providedIn: 'root' })
export class AuthSession {
  /** The page's URL as it arrived, before the room URL replaced it: the provider's answer (`?code&state`) or an invite. */
  readonly landing = globalThis.location?.href;
  /** The ID token while signed in. */
  token: string | undefined;
  /** From the server's `session` event: who this socket is, with roles. */
  readonly user = signal<SessionUser | null>(null);
  /** Every API request goes through this (FETCH); signed in, the sign-in chunk's, with the token for the API. */
  fetch: typeof fetch = (input, init) => globalThis.fetch(input, init);
  /** The `Authorization` header for an upload to `url` (embedded mode's PUT goes to the API); none in open mode. */
  bearerFor = (_url: string): string | undefined => undefined;
  signOut = (): void => {};
}
