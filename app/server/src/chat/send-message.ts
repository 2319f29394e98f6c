import { ulid } from 'ulid';
import { ANONYMOUS_AUTHOR, DEFAULT_ROOM, formatSeq, imageKeyRoom, type SendAck } from '@chat/protocol';
import type { Logger } from '../logger';
import type { StoreBudget } from '../limits/store-budget';
import { messageWriteUnits } from '../limits/store-units';
import type { Acks } from '../acks/acks';
import { imageOwner, type AcceptedMessage, type ClaimOutcome, type MessageDeletes, type MessageQueue, type UploadStore } from '../ports';
import { withTimeout } from '../util/timeout';
import { hashDeleteKey } from './delete-key';
import type { Person } from './room-access';
import { parseSendMessage } from './send-message-input';

/**
 * A new message is stored moments after it is queued, and its waiter settles. Only a retry of one stored earlier
 * (before a restart, or by another server), which the queue drops as a duplicate, is never stored again: its id
 * record is read when the store has not answered for this long. So a new message costs no read at all.
 */
export const LOOKUP_AFTER_MS = 1000;

const fail = (code: 'invalid' | 'unavailable', message: string): SendAck => ({ ok: false, error: { code, message } });

const CLAIM_REFUSALS: Record<Exclude<ClaimOutcome, 'claimed'>, string> = {
  missing: 'image.key: nothing was uploaded under this key',
  taken: 'image.key: this image belongs to another message',
  not_an_image: 'image.key: the upload is not the image type it was issued for',
};

/**
 * `sendMessage`: validate, queue (deduplicated by id), and answer once the message is stored with its seq.
 * Everything after validation shares one deadline, so a backend that hangs yields `unavailable`, never silence.
 */
export class SendMessage {
  constructor(
    private readonly queue: MessageQueue,
    private readonly uploads: UploadStore,
    private readonly acks: Acks,
    private readonly timeoutMs: number,
    private readonly log: Logger,
    /** The stored rows, to check that a reply's original exists; a message without `replyTo` never reads them. */
    private readonly rows: Pick<MessageDeletes, 'find'>,
    /** The table's write budget, charged before the queue is touched; none: unlimited (embedded mode). */
    private readonly budget?: StoreBudget,
  ) {}

  /** Resolves with the seq the id records hold for `id` if `done` has not settled within LOOKUP_AFTER_MS; else never. */
  private storedEarlier(room: string, id: string, done: Promise<string>): Promise<string> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.acks.ids.known(room, id).then(
          (seq) => seq !== undefined && resolve(seq),
          (err: unknown) => this.log.debug({ err, id, room }, 'id look-up failed; waiting for the queue'),
        );
      }, LOOKUP_AFTER_MS);
      timer.unref();
      done.then(
        () => clearTimeout(timer),
        () => clearTimeout(timer),
      );
    });
  }

  /**
   * `from.address`: the client's address, which the store budget's per-address share is charged to; `from.sender`:
   * signed in, the token's person, whose name is the author whatever the payload says.
   */
  async execute(
    input: unknown,
    from: { address: string; sender?: Pick<Person, 'id' | 'name'> } = { address: 'unknown' },
  ): Promise<SendAck> {
    const { sender } = from;
    // The seed's client sends a bare string: text from anonymous in global, with an id we make up.
    const bare = typeof input === 'string' ? { id: ulid(), room: DEFAULT_ROOM, author: ANONYMOUS_AUTHOR, text: input } : input;
    const candidate = sender && typeof bare === 'object' && bare !== null && !Array.isArray(bare) ? { ...bare, author: sender.name } : bare;
    const parsed = parseSendMessage(candidate);
    if (!parsed.ok) return { ok: false, error: parsed.error };
    const { id, room, author, text, image, deleteKey } = parsed.value;
    const replyTo = parsed.value.replyTo === undefined ? undefined : formatSeq(BigInt(parsed.value.replyTo));
    // A retry this server already answered costs the table nothing; anything else is charged before any backend call.
    if (this.budget && this.acks.ids.cached(room, id) === undefined) {
      const units = messageWriteUnits({ id, room, author, ...(text !== undefined ? { text } : { imageKey: image!.key }) });
      const outcome = await this.budget.write(from.address, room, units);
      if (!outcome.ok) {
        return {
          ok: false,
          error: { code: 'rate_limited', message: `the chat's storage budget is spent for now; retry in ${outcome.retryInSeconds} s` },
        };
      }
    }
    const deadline = Date.now() + this.timeoutMs;
    const left = () => Math.max(1, deadline - Date.now());

    try {
      if (replyTo !== undefined && !(await withTimeout(this.rows.find(room, replyTo), left(), 'history'))) {
        return fail('invalid', `replyTo: no message ${replyTo} in ${room}`);
      }
      if (image) {
        if (imageKeyRoom(image.key) !== room) return fail('invalid', 'image.key: issued for another room');
        const claim = await withTimeout(this.uploads.claim(image.key, imageOwner(room, id)), left(), 'uploads');
        if (claim !== 'claimed') return fail('invalid', CLAIM_REFUSALS[claim]);
      }
      // Wait first, then look: a copy stored between the look and the wait would otherwise settle no one.
      const stored = this.acks.wait(room, id, left());
      stored.done.catch(() => {});
      const cached = this.acks.ids.cached(room, id);
      if (cached !== undefined) {
        stored.cancel();
        return { ok: true, id, seq: cached };
      }
      const accepted: AcceptedMessage = {
        id,
        room,
        author,
        ...(text !== undefined ? { text } : { imageKey: image!.key }),
        ...(deleteKey !== undefined ? { deleteHash: hashDeleteKey(deleteKey) } : {}),
        ...(replyTo !== undefined ? { replyTo } : {}),
        ...(sender ? { authorId: sender.id } : {}),
      };
      try {
        await withTimeout(this.queue.send(accepted), left(), 'queue');
      } catch (err) {
        stored.cancel();
        throw err;
      }
      try {
        return { ok: true, id, seq: await Promise.race([stored.done, this.storedEarlier(room, id, stored.done)]) };
      } finally {
        stored.cancel();
      }
    } catch (err) {
      this.log.warn({ err, id, room }, 'sendMessage failed: backend unavailable');
      return fail('unavailable', 'the chat backend is not answering; retry with the same id');
    }
  }
}
