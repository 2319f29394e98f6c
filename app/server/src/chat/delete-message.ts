import { deleteMessageSchema, formatSeq, parseWith, roomSchema, seqSchema, type DeleteAck, type ErrorBody } from '@chat/protocol';
import type { Logger } from '../logger';
import { imageOwner, type MessageDeletes, type RoomEvents, type SequencedMessage, type UploadStore } from '../ports';
import { withTimeout } from '../util/timeout';
import { deleteKeyMatches } from './delete-key';
import type { Person } from './room-access';

const fail = (code: ErrorBody['code'], message: string): DeleteAck => ({ ok: false, error: { code, message } });

/**
 * Deleting a message, by its author (who proves it with the delete key the message was sent with) or by a
 * moderator (whom the HTTP route has authorised). The image object goes first, then the row: a failure in
 * between leaves a row a retry finishes. Deleting again is `ok` and broadcasts nothing.
 */
export class DeleteMessage {
  constructor(
    private readonly deletes: MessageDeletes,
    private readonly uploads: UploadStore,
    private readonly events: Pick<RoomEvents, 'messageDeleted'>,
    private readonly timeoutMs: number,
    private readonly log: Logger,
  ) {}

  /**
   * With the key the message was sent with; or, signed in (`person`) and without a key, by the identity: its author's
   * or a moderator's.
   */
  byAuthor(input: unknown, person?: Person): Promise<DeleteAck> {
    const parsed = parseWith(deleteMessageSchema, input);
    if (!parsed.ok) return Promise.resolve({ ok: false, error: parsed.error });
    const { room, seq, deleteKey } = parsed.value;
    if (deleteKey !== undefined) return this.run(room, seq, 'author', (row) => deleteKeyMatches(deleteKey, row.deleteHash));
    if (!person) return Promise.resolve(fail('invalid', 'deleteKey: required'));
    if (person.roles.includes('moderator')) return this.run(room, seq, 'moderator', () => true);
    return this.run(room, seq, 'author', (row) => row.authorId === person.id, 'neither its author nor a moderator');
  }

  byModerator(room: unknown, seq: unknown): Promise<DeleteAck> {
    const r = parseWith(roomSchema, room);
    if (!r.ok) return Promise.resolve({ ok: false, error: r.error });
    const s = parseWith(seqSchema, seq);
    if (!s.ok) return Promise.resolve({ ok: false, error: s.error });
    return this.run(r.value, s.value, 'moderator', () => true);
  }

  private async run(
    room: string,
    rawSeq: string,
    by: 'author' | 'moderator',
    allowed: (row: SequencedMessage) => boolean,
    refusal = 'not the delete key this message was sent with',
  ): Promise<DeleteAck> {
    // Clients may send a seq without its zero padding, as for history.
    const seq = formatSeq(BigInt(rawSeq));
    const deadline = Date.now() + this.timeoutMs;
    const left = () => Math.max(1, deadline - Date.now());
    try {
      const row = await withTimeout(this.deletes.find(room, seq), left(), 'history');
      if (!row) return fail('not_found', `no message ${seq} in ${room}`);
      if (!allowed(row)) return fail('forbidden', refusal);
      if (row.deletedAt !== undefined) return { ok: true, room, seq };
      if (row.imageKey !== undefined) await withTimeout(this.uploads.remove(row.imageKey, imageOwner(room, row.id)), left(), 'uploads');
      const changed = await withTimeout(this.deletes.markDeleted(room, seq, new Date().toISOString()), left(), 'history');
      if (!changed) return fail('not_found', `no message ${seq} in ${room}`);
      if (changed.before.deletedAt === undefined) {
        this.events.messageDeleted({ room, seq, id: changed.after.id, deletedAt: changed.after.deletedAt! });
        this.log.info({ room, seq, id: changed.after.id, by }, 'message deleted');
      }
      return { ok: true, room, seq };
    } catch (err) {
      this.log.warn({ err, room, seq }, 'deleteMessage failed: backend unavailable');
      return fail('unavailable', 'the chat backend is not answering; try again');
    }
  }
}
