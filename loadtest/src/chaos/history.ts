import { compareSeq, HISTORY_LIMIT_MAX, type ChatMessage, type HistoryResponse } from '@chat/protocol';

/** One history request may take this long before it counts as failed (the store may be frozen). */
const REQUEST_TIMEOUT_MS = 10_000;

/**
 * A room's messages newer than `after` (every message when undefined), oldest → newest: the newest page, then older
 * ones until they reach `after`, as the web client catches up. Throws when a request fails or times out.
 */
export async function readHistorySince(url: string, room: string, after: string | undefined, signal?: AbortSignal): Promise<ChatMessage[]> {
  const pages: ChatMessage[][] = [];
  let before: string | null = null;
  do {
    const query = new URLSearchParams({ room, limit: String(HISTORY_LIMIT_MAX), ...(before ? { before } : {}) });
    const timeout = AbortSignal.timeout(REQUEST_TIMEOUT_MS);
    const res = await fetch(`${url}/history?${query}`, { signal: signal ? AbortSignal.any([signal, timeout]) : timeout });
    if (res.status !== 200) throw new Error(`GET /history?${query} answered ${res.status}`);
    const page = (await res.json()) as HistoryResponse;
    pages.unshift(after ? page.messages.filter((m) => compareSeq(m.seq, after) > 0) : page.messages);
    const oldest = page.messages[0];
    before = after && oldest && compareSeq(oldest.seq, after) <= 0 ? null : page.nextBefore;
  } while (before);
  return pages.flat();
}

/** Retried every second until it succeeds or `signal` aborts (then it throws). */
export async function readHistoryPatiently(
  url: string,
  room: string,
  after: string | undefined,
  signal: AbortSignal,
): Promise<ChatMessage[]> {
  for (;;) {
    try {
      return await readHistorySince(url, room, after, signal);
    } catch (err) {
      if (signal.aborted) throw err;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}
