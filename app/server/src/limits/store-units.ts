import type { AcceptedMessage, SequencedMessage } from '../ports';

/**
 * What a message costs the table, in DynamoDB's capacity units, so that a budget in units is the table's own.
 * A write unit is one item of up to 1 KB; a transactional write costs two per KB. A message is written in one
 * transaction of two items: its row and its id record (under 1 KB). A read unit is 4 KB of items read consistently,
 * or 8 KB eventually consistent.
 */
export const WRITE_UNIT_BYTES = 1024;
export const READ_UNIT_BYTES = 4096;
/** Key, seq, sentAt, attribute names, a delete hash: what a row holds besides its text, author and image key. */
export const ROW_OVERHEAD_BYTES = 200;
const ID_RECORD_WRITE_UNITS = 1;
const TRANSACTION_FACTOR = 2;

const utf8 = (s: string | undefined) => (s === undefined ? 0 : Buffer.byteLength(s, 'utf8'));

/** A message's row size in bytes, as the table counts it (near enough: the overhead is an upper estimate). */
export function rowBytes(m: Pick<AcceptedMessage, 'id' | 'room' | 'author' | 'text' | 'imageKey'>): number {
  return ROW_OVERHEAD_BYTES + utf8(m.id) + utf8(m.room) + utf8(m.author) + utf8(m.text) + utf8(m.imageKey);
}

/** Write units of storing one message: (row KB + id record) × 2, a transaction. A short message costs 4. */
export function messageWriteUnits(m: Pick<AcceptedMessage, 'id' | 'room' | 'author' | 'text' | 'imageKey'>): number {
  return TRANSACTION_FACTOR * (Math.ceil(rowBytes(m) / WRITE_UNIT_BYTES) + ID_RECORD_WRITE_UNITS);
}

/** Read units of a page query: its rows' bytes rounded up to 4 KB, halved when eventually consistent (at least 1). */
export function pageReadUnits(messages: SequencedMessage[], consistent: boolean): number {
  const bytes = messages.reduce((sum, m) => sum + rowBytes(m), 0);
  const units = Math.max(1, Math.ceil(bytes / READ_UNIT_BYTES));
  return consistent ? units : Math.ceil(units / 2);
}

/** A short text message (a few words): what per-address message counts are derived with. */
export const SHORT_MESSAGE_WRITE_UNITS = TRANSACTION_FACTOR * (1 + ID_RECORD_WRITE_UNITS);
/**
 * The largest message: 64-character id and room, and author and text counted in UTF-16 units (40 and 2,000), of
 * which a character outside ASCII takes up to 3 bytes per unit in UTF-8. 2 × (7 + 1) = 16 units.
 */
export const LARGEST_MESSAGE_WRITE_UNITS =
  TRANSACTION_FACTOR * (Math.ceil((ROW_OVERHEAD_BYTES + 64 + 64 + 40 * 3 + 2000 * 3) / WRITE_UNIT_BYTES) + ID_RECORD_WRITE_UNITS);
