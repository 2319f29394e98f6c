import { formatSeq } from '@chat/protocol';
import { Ledger } from './ledger';

const ok = (id: string, n: number) => ({ ok: true as const, id, seq: formatSeq(n) });
const msg = (id: string, room: string, n: number) => ({ id, room, seq: formatSeq(n) });

describe('Ledger', () => {
  it('matches deliveries by id: the sender’s own copy is e2e, the others’ are fan-out', () => {
    const l = new Ledger();
    l.joined('a', 'r', 0);
    l.joined('b', 'r', 0);
    l.emitted('m1', 'r', 'a', 10);
    expect(l.acked('m1', ok('m1', 1), 13)).toEqual({ kind: 'ok', ackMs: 3 });
    expect(l.received('a', msg('m1', 'r', 1), 15)).toMatchObject({ kind: 'e2e', latencyMs: 5, duplicate: false, outOfOrder: false });
    expect(l.received('b', msg('m1', 'r', 1), 17)).toMatchObject({ kind: 'fanout', latencyMs: 7 });
    expect(l.outstanding()).toBe(0);
    expect(l.finalize('a')).toEqual({ lostMessages: 0, missingDeliveries: 0, expectedDeliveries: 1 });
    expect(l.finalize('b')).toEqual({ lostMessages: 0, missingDeliveries: 0, expectedDeliveries: 1 });
  });

  it('counts an acknowledged message that a member never received as lost, once however many missed it', () => {
    const l = new Ledger();
    for (const r of ['a', 'b', 'c']) l.joined(r, 'r', 0);
    l.emitted('m1', 'r', 'a', 1);
    l.acked('m1', ok('m1', 1), 2);
    l.received('a', msg('m1', 'r', 1), 3);
    expect(l.outstanding()).toBe(2);
    expect(l.finalize('b')).toEqual({ lostMessages: 1, missingDeliveries: 1, expectedDeliveries: 1 });
    expect(l.finalize('c')).toEqual({ lostMessages: 0, missingDeliveries: 1, expectedDeliveries: 1 });
    expect(l.lost()).toEqual(['m1']);
  });

  it('expects nothing that was refused, timed out, sent before the join or sent to another room', () => {
    const l = new Ledger();
    l.emitted('early', 'r', 'x', 1);
    l.acked('early', ok('early', 1), 2);
    l.joined('a', 'r', 5);
    l.emitted('refused', 'r', 'a', 6);
    expect(l.acked('refused', { ok: false, error: { code: 'rate_limited', message: 'slow down' } }, 7)).toEqual({
      kind: 'rejected',
      code: 'rate_limited',
      ackMs: 1,
    });
    l.emitted('slow', 'r', 'a', 8);
    expect(l.pendingAcks()).toBe(1);
    expect(l.timedOut('slow')).toBe(true);
    // A late ack after the timeout changes nothing.
    expect(l.acked('slow', ok('slow', 2), 9000)).toEqual({ kind: 'late' });
    l.emitted('elsewhere', 'other', 'x', 10);
    l.acked('elsewhere', ok('elsewhere', 1), 11);
    expect(l.pendingAcks()).toBe(0);
    expect(l.finalize('a')).toEqual({ lostMessages: 0, missingDeliveries: 0, expectedDeliveries: 0 });
  });

  it('treats an ack for another id as a failed send', () => {
    const l = new Ledger();
    l.emitted('m1', 'r', 'a', 0);
    expect(l.acked('m1', ok('m2', 1), 1)).toMatchObject({ kind: 'rejected', code: 'invalid_ack' });
  });

  it('counts the second delivery of an id as a duplicate and not as latency', () => {
    const l = new Ledger();
    l.joined('a', 'r', 0);
    l.emitted('m1', 'r', 'a', 0);
    l.acked('m1', ok('m1', 1), 1);
    expect(l.received('a', msg('m1', 'r', 1), 2).kind).toBe('e2e');
    expect(l.received('a', msg('m1', 'r', 1), 3)).toEqual({ kind: 'duplicate', duplicate: true, outOfOrder: false });
    expect(l.finalize('a').missingDeliveries).toBe(0);
  });

  it('flags a seq that goes backwards (or repeats for a new id) within a room, per receiver', () => {
    const l = new Ledger();
    l.joined('a', 'r', 0);
    expect(l.received('a', msg('x1', 'r', 5), 1).outOfOrder).toBe(false);
    expect(l.received('a', msg('x2', 'r', 7), 1).outOfOrder).toBe(false);
    expect(l.received('a', msg('x3', 'r', 6), 1).outOfOrder).toBe(true);
    expect(l.received('a', msg('x4', 'r', 7), 1).outOfOrder).toBe(true);
    // Other rooms and other receivers have their own order.
    expect(l.received('a', msg('y1', 's', 1), 1).outOfOrder).toBe(false);
    expect(l.received('b', msg('x3', 'r', 6), 1).outOfOrder).toBe(false);
    // Unpadded seqs of different widths compare as numbers, not as strings.
    expect(l.received('a', { id: 'z1', room: 'u', seq: '9' }, 1).outOfOrder).toBe(false);
    expect(l.received('a', { id: 'z2', room: 'u', seq: '10' }, 1).outOfOrder).toBe(false);
    expect(l.received('a', { id: 'z3', room: 'u', seq: '8' }, 1).outOfOrder).toBe(true);
  });

  it('ignores messages it did not send, for latency', () => {
    const l = new Ledger();
    l.joined('a', 'r', 0);
    expect(l.received('a', msg('someone-else', 'r', 1), 1).kind).toBe('foreign');
  });

  it('expects nothing more of a receiver whose connection dropped', () => {
    const l = new Ledger();
    l.joined('a', 'r', 0);
    l.joined('b', 'r', 0);
    l.emitted('m1', 'r', 'a', 1);
    l.acked('m1', ok('m1', 1), 2);
    l.received('a', msg('m1', 'r', 1), 3);
    l.disconnected('b');
    expect(l.outstanding()).toBe(0);
    expect(l.finalize('b')).toEqual({ lostMessages: 0, missingDeliveries: 0, expectedDeliveries: 0 });
  });

  it('refuses to reuse a message id, which would make matching ambiguous', () => {
    const l = new Ledger();
    l.emitted('m1', 'r', 'a', 0);
    expect(() => l.emitted('m1', 'r', 'a', 1)).toThrow(/reused/);
  });
});
