import { formatSeq, type ChatMessage } from '@chat/protocol';
import { RoomStore } from './room-store';

const stored = (id: string, seq: number): ChatMessage => ({
  id,
  room: 'team',
  author: 'ann',
  text: id,
  sentAt: new Date(Date.UTC(2026, 0, 1, 12, 0, seq)).toISOString(),
  seq: formatSeq(seq),
});

describe('RoomStore own messages', () => {
  beforeEach(() => localStorage.clear());

  it('still knows its own messages after a reload, by id, not by name', () => {
    const before = new RoomStore('team');
    before.addOutgoing({ id: 'mine', room: 'team', author: 'ann', text: 'mine', status: 'sent', progress: null, error: null });
    before.merge([stored('mine', 1)]);

    // A reload: a new store for the same room, history from the server (another "ann" wrote 'theirs').
    const after = new RoomStore('team');
    after.merge([stored('mine', 1), stored('theirs', 2)]);
    const own = Object.fromEntries(after.entries().map((e) => [e.id, e.outgoing !== undefined]));
    expect(own).toEqual({ mine: true, theirs: false });
    // Rooms are kept apart.
    expect(new RoomStore('other').entries()).toEqual([]);
    expect(localStorage.getItem('chat.sent.other')).toBeNull();
  });

  it('a broken or missing entry in storage is an empty list, not a crash', () => {
    localStorage.setItem('chat.sent.team', '{not json');
    const store = new RoomStore('team');
    store.merge([stored('x', 1)]);
    expect(store.entries()[0].outgoing).toBeUndefined();
  });
});
