import crypto from 'node:crypto';

const digest = (s: string) => crypto.createHash('sha256').update(s, 'utf8').digest();

/** Constant-time whatever the lengths: both sides are hashed to 32 bytes first. */
export function tokenMatches(given: string, expected: string): boolean {
  return crypto.timingSafeEqual(digest(given), digest(expected));
}
