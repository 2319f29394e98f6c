import { formatSeq, historyQuerySchema, parseWith, type HistoryResponse, type ErrorBody } from '@chat/protocol';
import type { MessageStore } from '../ports';
import { withTimeout } from '../util/timeout';
import { toWire } from './wire';

/** `GET /history`: the newest page of a room (or the page before `before`), oldest → newest. */
export async function readHistory(
  store: MessageStore,
  query: unknown,
  publicUrl: string | undefined,
  timeoutMs: number,
): Promise<{ ok: true; value: HistoryResponse } | { ok: false; error: ErrorBody }> {
  const parsed = parseWith(historyQuerySchema, query);
  if (!parsed.ok) return parsed;
  const { room, limit, before } = parsed.value;
  // Clients may send a seq without its zero padding; the store compares strings.
  const page = await withTimeout(
    store.page(room, limit, before === undefined ? undefined : formatSeq(BigInt(before))),
    timeoutMs,
    'history',
  );
  const messages = page.messages.map((m) => toWire(m, publicUrl)).reverse();
  return { ok: true, value: { messages, nextBefore: page.more && messages.length > 0 ? messages[0]!.seq : null } };
}
