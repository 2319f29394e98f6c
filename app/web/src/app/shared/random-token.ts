/**
 * A client-side idempotency key for `sendMessage`. getRandomValues rather than randomUUID, because a page served
 * over plain http is no secure context and randomUUID needs one.
 */
export function newMessageId(): string {
  return randomToken(16);
}

/** base64url of `bytes` random bytes: `[A-Za-z0-9_-]`, as the protocol's ids and keys want. */
export function randomToken(bytes: number): string {
  const raw = new Uint8Array(bytes);
  crypto.getRandomValues(raw);
  return base64url(raw);
}

export function base64url(raw: Uint8Array): string {
  let s = '';
  for (const b of raw) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
