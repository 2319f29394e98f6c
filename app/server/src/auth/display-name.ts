import { AUTHOR_MAX, CONTROL_CHARS, codePoints, hasFormatChars } from '@chat/protocol';

/**
 * A name as the chat shows it: NFC, trimmed, inner runs of white space as one space. Undefined when it cannot be
 * shown safely: empty, longer than an author name may be, or with control or invisible format characters.
 */
export function cleanDisplayName(input: unknown): string | undefined {
  if (typeof input !== 'string') return undefined;
  const composed = input.normalize('NFC');
  // Checked before white space is folded: JavaScript's \s counts the BOM as a space.
  if (CONTROL_CHARS.test(composed) || hasFormatChars(composed)) return undefined;
  const name = composed.trim().replace(/\s+/gu, ' ');
  if (name === '' || codePoints(name) > AUTHOR_MAX) return undefined;
  return name;
}

/**
 * The display name a token gives: `name`, else `preferred_username`, else `cognito:username` (`username` in a
 * Cognito access token), else the e-mail's local part — the first that is a safe name. A username that is only the
 * `sub` again (Cognito's, when users sign in with their e-mail) says nothing and is passed over. Undefined when none
 * is usable.
 */
export function displayNameFromClaims(claims: Record<string, unknown>): string | undefined {
  const email = typeof claims['email'] === 'string' ? claims['email'] : undefined;
  const candidates = [
    claims['name'],
    claims['preferred_username'],
    claims['cognito:username'],
    claims['username'], // the same, in Cognito's access tokens
    email?.includes('@') ? email.slice(0, email.lastIndexOf('@')) : undefined,
  ];
  for (const candidate of candidates) {
    if (candidate === claims['sub']) continue;
    const name = cleanDisplayName(candidate);
    if (name) return name;
  }
  return undefined;
}
