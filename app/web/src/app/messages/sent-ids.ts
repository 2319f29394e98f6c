/**
 * Ids of the messages this browser sent, per room, kept in localStorage so that after a reload the reader's own
 * messages are still told apart by id (a display name is not unique). Bounded: only recent ids matter.
 *
 * `sent` holds every own message; `proved` those sent with a per-message deleteKey (identity/delete-proof.ts).
 * An own message missing from `proved` was sent before that, with the browser's secret itself as its key, and
 * is deleted with the secret. A separate list, so that the first list keeps the form every version reads.
 */
const MAX_IDS = 500;
export type SentIdKind = 'sent' | 'proved';
const key = (kind: SentIdKind, room: string) => `chat.${kind}.${room}`;

export function loadSentIds(kind: SentIdKind, room: string): string[] {
  try {
    const value: unknown = JSON.parse(localStorage.getItem(key(kind, room)) ?? '[]');
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string').slice(-MAX_IDS) : [];
  } catch {
    return []; // storage off (private mode) or a malformed entry: only the styling of old messages is lost
  }
}

/** Keeps the newest MAX_IDS of `ids` (insertion order, trimmed in place) and stores them. */
export function saveSentIds(kind: SentIdKind, room: string, ids: Set<string>): void {
  while (ids.size > MAX_IDS) ids.delete(ids.values().next().value!);
  try {
    localStorage.setItem(key(kind, room), JSON.stringify([...ids]));
  } catch {
    // storage full or off: the ids still serve this tab
  }
}
