import { formatSeq, historyQuerySchema, parseWith, type HistoryResponse, type ErrorBody } from '@chat/protocol';
import type { MessageReactions, MessageStore } from '../ports';
import { withTimeout } from '../util/timeout';
import type { ImageUrl } from './image-links';
import { toWire } from './wire';

/**
 * `GET /history`: the newest page of a room (or the page before `before`), oldest → newest, each message with its
 * reaction counts and the asking person's own (`person`: the signed-in user, else the query's `clientId`).
 */
export async function readHistory(
  ports: { store: MessageStore; reactions: MessageReactions },
  query: unknown,
  imageUrl: ImageUrl,
  timeoutMs: number,
  /** Signed-in mode: who asks (their own reactions), and whether they may read `room` (an error when not). */
  signedIn?: { person: string; mayRead: (room: string) => Promise<ErrorBody | undefined> },
): Promise<{ ok: true; value: HistoryResponse } | { ok: false; error: ErrorBody }> {
  const parsed = parseWith(historyQuerySchema, query);
  if (!parsed.ok) return parsed;
  const { room, limit, before, clientId } = parsed.value;
  const refused = await signedIn?.mayRead(room);
  if (refused) return { ok: false, error: refused };
  const person = signedIn?.person ?? clientId;
  const deadline = Date.now() + timeoutMs;
  const { store } = ports;
  // Clients may send a seq without its zero padding; the store compares strings.
  const page = await withTimeout(
    store.page(room, limit, before === undefined ? undefined : formatSeq(BigInt(before))),
    timeoutMs,
    'history',
  );
  const live = page.messages.filter((m) => m.deletedAt === undefined).map((m) => m.seq);
  const reactions = await withTimeout(ports.reactions.summaries(room, live, person), Math.max(1, deadline - Date.now()), 'history');
  const messages = page.messages
    .map((m) => {
      const wire = toWire(m, imageUrl);
      const r = reactions.get(m.seq);
      if (r && Object.keys(r.counts).length > 0) wire.reactions = r.counts;
      if (r && r.mine.length > 0) wire.myReactions = r.mine;
      return wire;
    })
    .reverse();
  return { ok: true, value: { messages, nextBefore: page.more && messages.length > 0 ? messages[0]!.seq : null } };
}
