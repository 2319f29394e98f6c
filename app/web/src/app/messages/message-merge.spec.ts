import { formatSeq, type ChatMessage } from '@chat/protocol';
import { mergeMessages } from './message-merge';

const msg = (id: string, seq: number, text = id): ChatMessage => ({
  id,
  room: 'global',
  author: 'ann',
  text,
  sentAt: new Date(Date.UTC(2026, 0, 1, 12, 0, seq)).toISOString(),
  seq: formatSeq(seq),
});

describe('mergeMessages', () => {
  it('orders by seq whatever the arrival order', () => {
    const merged = mergeMessages([msg('b', 2)], [msg('d', 4), msg('a', 1), msg('c', 3)]);
    expect(merged.map((m) => m.id)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('keeps one copy per id, the first seen', () => {
    const merged = mergeMessages([msg('a', 1, 'first')], [msg('a', 1, 'again'), msg('b', 2), msg('b', 2)]);
    expect(merged.map((m) => [m.id, m.text])).toEqual([
      ['a', 'first'],
      ['b', 'b'],
    ]);
  });

  it('compares seq numerically even when widths differ', () => {
    const short: ChatMessage = { ...msg('x', 0), seq: '9' };
    const merged = mergeMessages([msg('y', 10)], [short]);
    expect(merged.map((m) => m.id)).toEqual(['x', 'y']);
  });

  it('returns the same array when nothing is new, so signals see no change', () => {
    const current = [msg('a', 1)];
    expect(mergeMessages(current, [msg('a', 1)])).toBe(current);
    expect(mergeMessages(current, [])).toBe(current);
  });

  it('prepends an older page in front of live messages', () => {
    const merged = mergeMessages([msg('e', 50), msg('f', 51)], [msg('a', 1), msg('b', 2)]);
    expect(merged.map((m) => m.id)).toEqual(['a', 'b', 'e', 'f']);
  });
});
