import { compareSeq, type ChatMessage } from '@chat/protocol';

/**
 * Merge messages from any source (history pages, live events, catch-up) into one list ordered by
 * `seq`, each `id` once. The first copy seen wins, since the server never changes a stored message.
 */
export function mergeMessages(current: readonly ChatMessage[], incoming: readonly ChatMessage[]): ChatMessage[] {
  if (incoming.length === 0) return current as ChatMessage[];
  const ids = new Set(current.map((m) => m.id));
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
