import { formatSeq, parseWith, reactSchema, type ErrorBody, type ReactAck } from '@chat/protocol';
import type { Logger } from '../logger';
import type { MessageDeletes, MessageReactions } from '../ports';
import { withTimeout } from '../util/timeout';
import type { ReactionBroadcast } from './reaction-broadcast';

const fail = (code: ErrorBody['code'], message: string): ReactAck => ({ ok: false, error: { code, message } });

/**
 * `react`: one person's reaction on a message, on or off. The person is the socket's identity (its clientId, or the
 * signed-in user): the store keeps one record per person, emoji and message, so a retry changes nothing. A change
 * reaches the room through ReactionBroadcast (coalesced); the ack carries the counts at once.
 */
export class ReactToMessage {
  private readonly emoji: Set<string>;

  constructor(
    private readonly rows: MessageDeletes,
    private readonly reactions: MessageReactions,
    private readonly broadcast: ReactionBroadcast,
    emoji: string[],
    private readonly timeoutMs: number,
    private readonly log: Logger,
  ) {
    this.emoji = new Set(emoji);
  }

  async execute(input: unknown, person: string | undefined): Promise<ReactAck> {
    const parsed = parseWith(reactSchema, input);
    if (!parsed.ok) return { ok: false, error: parsed.error };
    const { room, emoji, on } = parsed.value;
    if (!this.emoji.has(emoji)) return fail('invalid', `emoji: one of ${[...this.emoji].join(' ')}`);
    if (person === undefined) return fail('invalid', 'identify first: a reaction is one per person (clientId)');
    const seq = formatSeq(BigInt(parsed.value.seq));
    const deadline = Date.now() + this.timeoutMs;
    const left = () => Math.max(1, deadline - Date.now());
    try {
      const row = await withTimeout(this.rows.find(room, seq), left(), 'history');
      if (!row) return fail('not_found', `no message ${seq} in ${room}`);
      if (row.deletedAt !== undefined) return fail('invalid', 'the message was deleted');
      const result = await withTimeout(this.reactions.set(room, seq, person, emoji, on), left(), 'history');
      if (result.changed) this.broadcast.changed(room, seq);
      return { ok: true, room, seq, counts: result.counts, version: result.version, mine: result.mine };
    } catch (err) {
      this.log.warn({ err, room, seq }, 'react failed: backend unavailable');
      return fail('unavailable', 'the chat backend is not answering; try again');
    }
  }
}
