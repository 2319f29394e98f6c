import { formatSeq, historyQuerySchema, parseWith, type HistoryResponse, type ErrorBody } from '@chat/protocol';
import type { MessageStore } from '../ports';
import { withTimeout } from '../util/timeout';
import type { ImageUrl } from './image-links';
import { toWire } from './wire';

/** `GET /history`: the newest page of a room (or the page before `before`), oldest → newest. */
export async function readHistory(
  store: MessageStore,
  query: unknown,
  imageUrl: ImageUrl,
  timeoutMs: number,
  /** Signed-in mode: whether the requester may read `room` (an error when not). */
  mayRead?: (room: string) => Promise<ErrorBody | undefined>,
): Promise<{ ok: true; value: HistoryResponse } | { ok: false; error: ErrorBody }> {
  const parsed = parseWith(historyQuerySchema, query);
  if (!parsed.ok) return parsed;
  const { room, limit, before } = parsed.value;
  const refused = await mayRead?.(room);
  if (refused) return { ok: false, error: refused };
  // Clients may send a seq without its zero padding; the store compares strings.
  const page = await withTimeout(
    store.page(room, limit, before === undefined ? undefined : formatSeq(BigInt(before))),
    timeoutMs,
    'history',
  );
  const messages = page.messages.map((m) => toWire(m, imageUrl)).reverse();
  return { ok: true, value: { messages, nextBefore: page.more && messages.length > 0 ? messages[0]!.seq : null } };
}
