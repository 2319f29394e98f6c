/**
 * Ids of the messages this browser sent, per room, kept in localStorage so that after a reload the reader's own
 * messages are still told apart by id (a display name is not unique). Bounded: only recent ids matter.
 */
const MAX_IDS = 500;
const key = (room: string) => `chat.sent.${room}`;

export function loadSentIds(room: string): string[] {
  try {
    const value: unknown = JSON.parse(localStorage.getItem(key(room)) ?? '[]');
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string').slice(-MAX_IDS) : [];
  } catch {
    return []; // storage off (private mode) or a malformed entry: only the styling of old messages is lost
  }
}

/** Keeps the newest MAX_IDS of `ids` (insertion order, trimmed in place) and stores them. */
export function saveSentIds(room: string, ids: Set<string>): void {
  while (ids.size > MAX_IDS) ids.delete(ids.values().next().value!);
  try {
    localStorage.setItem(key(room), JSON.stringify([...ids]));
  } catch {
    // storage full or off: the ids still serve this tab
  }
}
