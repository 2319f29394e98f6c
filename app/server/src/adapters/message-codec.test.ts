import { decodeMessage, encodeMessage } from './message-codec';

describe('queue message codec', () => {
  test('round-trips an accepted message', () => {
    const m = { id: 'a1', room: 'global', author: 'ann', text: 'hi' };
    expect(decodeMessage(encodeMessage(m))).toEqual(m);
  });

  test('carries the delete key hash, and only a hash', () => {
    const m = { id: 'a2', room: 'global', author: 'ann', text: 'hi', deleteHash: 'ab'.repeat(32) };
    expect(decodeMessage(encodeMessage(m))).toEqual(m);
    expect(decodeMessage(JSON.stringify({ ...m, deleteHash: 'the-raw-key-itself' }))).toBeUndefined();
  });

  test.each([
    ['not JSON', '{'],
    ['an empty room', JSON.stringify({ id: 'a', room: '', author: 'x', text: 'y' })],
    ['an id the protocol refuses', JSON.stringify({ id: 'x'.repeat(200), room: 'global', author: 'x', text: 'y' })],
    ['a foreign shape', JSON.stringify({ message: 'hello' })],
  ])('a body with %s is unreadable (dropped, never blocking its room)', (_what, body) => {
    expect(decodeMessage(body)).toBeUndefined();
  });
});
