/**
 * A client-side idempotency key for `sendMessage`. getRandomValues rather than randomUUID, because the
 * S3 website is plain http and randomUUID needs a secure context.
 */
export function newMessageId(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
