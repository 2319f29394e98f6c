import { compareSeq, type ChatMessage } from '@chat/protocol';

/**
 * Merge messages from any source (history pages, live events, catch-up) into one list ordered by
 * `seq`, each `id` once. The copy held stays, except for what the server changes later: a deleted copy (`deletedAt`,
 * no text or image) replaces it, a later edit (`editedAt`) replaces its text, and a copy with reactions (a history
 * read, or a reactions event) replaces its counts.
 */
export function mergeMessages(current: readonly ChatMessage[], incoming: readonly ChatMessage[]): ChatMessage[] {
  if (incoming.length === 0) return current as ChatMessage[];
  const ids = new Set(current.map((m) => m.id));
  const later = new Map(incoming.filter((m) => ids.has(m.id)).map((m) => [m.id, m]));
  if (later.size > 0) {
    const next = current.map((m) => newest(m, later.get(m.id)));
    if (next.some((m, i) => m !== current[i])) current = next;
  }
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
  if (!last || compareSeq(last.seq, fresh[0].seq) < 0) return [...current, ...fresh];
  return [...current, ...fresh].sort((a, b) => compareSeq(a.seq, b.seq));
}

/** A held message with the version of its reaction counts (live events and acks carry one; history's are 0). */
export type Versioned = ChatMessage & { reactionsVersion?: number };

function newest(held: Versioned, m: Versioned | undefined): ChatMessage {
  if (!m || isDeleted(held)) return held;
  if (isDeleted(m)) return m;
  // Edits of one message may arrive out of order (several servers): the later `editedAt` wins.
  const edit = (m.editedAt ?? '') > (held.editedAt ?? '') ? { text: m.text, editedAt: m.editedAt } : {};
  // So may reaction counts: the higher version wins; a history read's (0) only replaces another read's.
  const version = m.reactionsVersion ?? 0;
  const counts =
    m.reactions && (version > (held.reactionsVersion ?? 0) || !version) ? { reactions: m.reactions, reactionsVersion: version } : {};
  const mine = m.myReactions ? { myReactions: m.myReactions } : {};
  const later = { ...edit, ...counts, ...mine };
  return Object.keys(later).length ? { ...held, ...later } : held;
}

/** A row the author or a moderator deleted (protocol addition `deletedAt`). */
export function isDeleted(m: ChatMessage): boolean {
  return typeof m.deletedAt === 'string';
}
