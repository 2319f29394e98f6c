import { ulid } from 'ulid';
import { ANONYMOUS_AUTHOR, DEFAULT_ROOM, imageKeyRoom, type SendAck } from '@chat/protocol';
import type { Logger } from '../logger';
import type { Acks } from '../acks/acks';
import type { AcceptedMessage, MessageQueue, UploadStore } from '../ports';
import { withTimeout } from '../util/timeout';
import { hashDeleteKey } from './delete-key';
import { parseSendMessage } from './send-message-input';

/**
 * A new message is stored moments after it is queued, and its waiter settles. Only a retry of one stored earlier
 * (before a restart, or by another server), which the queue drops as a duplicate, is never stored again: its id
 * record is read when the store has not answered for this long. So a new message costs no read at all.
 */
export const LOOKUP_AFTER_MS = 1000;

const fail = (code: 'invalid' | 'unavailable', message: string): SendAck => ({ ok: false, error: { code, message } });

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

  async execute(input: unknown): Promise<SendAck> {
    // The seed's client sends a bare string: text from anonymous in global, with an id we make up.
    const candidate = typeof input === 'string' ? { id: ulid(), room: DEFAULT_ROOM, author: ANONYMOUS_AUTHOR, text: input } : input;
    const parsed = parseSendMessage(candidate);
    if (!parsed.ok) return { ok: false, error: parsed.error };
    const { id, room, author, text, image, deleteKey } = parsed.value;
    const deadline = Date.now() + this.timeoutMs;
    const left = () => Math.max(1, deadline - Date.now());

    try {
      if (image) {
        if (imageKeyRoom(image.key) !== room) return fail('invalid', 'image.key: issued for another room');
        if (!(await withTimeout(this.uploads.claim(image.key), left(), 'uploads'))) {
          return fail('invalid', 'image.key: nothing was uploaded under this key');
        }
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
