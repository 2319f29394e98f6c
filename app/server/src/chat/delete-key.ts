import crypto from 'node:crypto';

/** What is stored of an author's delete key: its SHA-256, so the store never holds the secret itself. */
export function hashDeleteKey(deleteKey: string): string {
  return crypto.createHash('sha256').update(deleteKey, 'utf8').digest('hex');
}

/** Whether `deleteKey` is the key `storedHash` was made from; constant-time, and false when nothing was stored. */
export function deleteKeyMatches(deleteKey: string, storedHash: string | undefined): boolean {
  if (storedHash === undefined) return false;
  const given = Buffer.from(hashDeleteKey(deleteKey), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return given.length === stored.length && crypto.timingSafeEqual(given, stored);
}
