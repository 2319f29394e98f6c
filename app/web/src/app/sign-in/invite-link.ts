import { INVITE_LINK_PREFIX, INVITE_TOKEN_PATTERN } from '@chat/protocol';

const KEY = 'chat.invite';

/**
 * An invite link is `<app>/#/invite/<token>`: a fragment, which no server or proxy ever logs. Its token waits in
 * sessionStorage through the sign-in's redirect, then `acceptInvite` takes it. Returns whether `url` held one.
 */
export function keepInvite(url: URL): boolean {
  if (!url.hash.startsWith(INVITE_LINK_PREFIX)) return false;
  const token = decodeURIComponent(url.hash.slice(INVITE_LINK_PREFIX.length));
  // The token is a bearer secret: out of the address bar (and so out of bookmarks and shared screens) at once.
  globalThis.history?.replaceState(history.state, '', location.pathname + location.search);
  if (!INVITE_TOKEN_PATTERN.test(token)) return false;
  try {
    sessionStorage.setItem(KEY, token);
  } catch {
    return false;
  }
  return true;
}

/** The invite waiting to be accepted, taken (it is tried once; `keepInvite` again to retry). */
export function takeInvite(): string | null {
  try {
    const token = sessionStorage.getItem(KEY);
    sessionStorage.removeItem(KEY);
    return token;
  } catch {
    return null;
  }
}

export function pendingInvite(): boolean {
  try {
    return !!sessionStorage.getItem(KEY);
  } catch {
    return false;
  }
}

/** Puts a token back (its accept could not reach the server), for the next connect. */
export function returnInvite(token: string): void {
  try {
    sessionStorage.setItem(KEY, token);
  } catch {
    /* gone: the link can be opened again */
  }
}
