import { editMessageSchema, formatSeq, parseWith, type EditAck, type ErrorBody } from '@chat/protocol';
import type { Logger } from '../logger';
import type { MessageDeletes, MessageEdits, RoomEvents } from '../ports';
import { withTimeout } from '../util/timeout';
import { deleteKeyMatches } from './delete-key';
import type { Person } from './room-access';

const fail = (code: ErrorBody['code'], message: string): EditAck => ({ ok: false, error: { code, message } });

/**
 * `editMessage`: the author replaces their text message's text, proving authorship with the delete key the message
 * was sent with (as for deletes) or, signed in (`person`) and without a key, by being its author. The store orders concurrent edits (MessageEdits); the room hears each edit that
 * changed the text, with the `editedAt` the store gave it. The same edit again is `ok` and broadcasts nothing.
 */
export class EditMessage {
  constructor(
    private readonly rows: MessageDeletes,
    private readonly edits: MessageEdits,
    private readonly events: Pick<RoomEvents, 'messageEdited'>,
    private readonly timeoutMs: number,
    private readonly log: Logger,
  ) {}

  async execute(input: unknown, person?: Person): Promise<EditAck> {
    const parsed = parseWith(editMessageSchema, input);
    if (!parsed.ok) return { ok: false, error: parsed.error };
    const { room, text, deleteKey } = parsed.value;
    if (deleteKey === undefined && !person) return fail('invalid', 'deleteKey: required');
    // Clients may send a seq without its zero padding, as for history.
    const seq = formatSeq(BigInt(parsed.value.seq));
    const deadline = Date.now() + this.timeoutMs;
    const left = () => Math.max(1, deadline - Date.now());
    try {
      const row = await withTimeout(this.rows.find(room, seq), left(), 'history');
      if (!row) return fail('not_found', `no message ${seq} in ${room}`);
      // The key is checked before anything about the row is told: a stranger learns nothing but `forbidden`.
      if (deleteKey !== undefined) {
        if (!deleteKeyMatches(deleteKey, row.deleteHash)) return fail('forbidden', 'not the delete key this message was sent with');
      } else if (row.authorId !== person!.id) return fail('forbidden', 'only its author can edit a message');
      const result = await withTimeout(this.edits.edit(room, seq, text, new Date()), left(), 'history');
      if (!result.ok) {
        if (result.reason === 'not_found') return fail('not_found', `no message ${seq} in ${room}`);
        return fail('invalid', result.reason === 'deleted' ? 'the message was deleted' : 'only a text message can be edited');
      }
      const { id, editedAt } = result.row;
      if (result.changed) {
        this.events.messageEdited({ room, seq, id, text, editedAt: editedAt! });
        this.log.info({ room, seq, id }, 'message edited');
      }
      // An unchanged text of a never-edited message: its edit time is its send time (nothing was edited).
      return { ok: true, room, seq, editedAt: editedAt ?? result.row.sentAt };
    } catch (err) {
      this.log.warn({ err, room, seq }, 'editMessage failed: backend unavailable');
      return fail('unavailable', 'the chat backend is not answering; try again');
    }
  }
}
