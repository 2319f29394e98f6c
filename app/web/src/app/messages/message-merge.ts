import { compareSeq, type ChatMessage } from '@chat/protocol';

/**
 * Merge messages from any source (history pages, live events, catch-up) into one list ordered by
 * `seq`, each `id` once. The first copy seen wins, since the server never changes a stored message, except
 * that it may delete one: a deleted copy (`deletedAt`, no text or image) replaces the one we had.
 */
export function mergeMessages(current: readonly ChatMessage[], incoming: readonly ChatMessage[]): ChatMessage[] {
  if (incoming.length === 0) return current as ChatMessage[];
  const ids = new Set(current.map((m) => m.id));
  const deletions = new Map(incoming.filter((m) => isDeleted(m) && ids.has(m.id)).map((m) => [m.id, m]));
  if (deletions.size > 0) current = current.map((m) => (isDeleted(m) ? m : (deletions.get(m.id) ?? m)));
  const fresh: ChatMessage[] = [];
  for (const m of incoming) {
    if (ids.has(m.id)) continue;
    ids.add(m.id);
    fresh.push(m);
  }
  if (fresh.length === 0) return current as ChatMessage[];
  const last = current.at(-1);
  fresh.sort((a, b) => compareSeq(a.seq, b.seq));
  // The common case, a live message after everything else, needs no full sort.
  if (!last || compareSeq(last.seq, fresh[0]!.seq) < 0) return [...current, ...fresh];
  return [...current, ...fresh].sort((a, b) => compareSeq(a.seq, b.seq));
}

/** A row the author or a moderator deleted (protocol addition `deletedAt`). */
export function isDeleted(m: ChatMessage): boolean {
  return typeof m.deletedAt === 'string';
}
