import { planFor, sendTimes, vuCount, type PlanVars } from './plan';

const base: PlanVars = { scenario: 'latency', users: 100, rate: 50, senders: 10, rooms: 10, floodRate: 20, roomPrefix: 'lt1' };
const plans = (v: PlanVars) => Array.from({ length: vuCount(v) }, (_, i) => planFor(i, v));
const totalSends = (v: PlanVars, ms: number) => plans(v).reduce((n, p) => n + sendTimes(p, ms).length, 0);

describe('planFor', () => {
  it('latency: every user sends, together at the requested rate, evenly spread', () => {
    expect(totalSends(base, 60_000)).toBe(3000);
    const firsts = plans(base)
      .map((p) => p.offsetMs)
      .sort((a, b) => a - b);
    // 100 users each every 2 s: one emit every 20 ms.
    expect(firsts[1]! - firsts[0]!).toBeCloseTo(20);
    expect(new Set(plans(base).map((p) => p.room))).toEqual(new Set(['lt1-0']));
  });

  it('fanout: only the first `senders` users send, the rest receive in the same room', () => {
    const v = { ...base, scenario: 'fanout' as const, rate: 20 };
    const ps = plans(v);
    expect(ps.filter((p) => p.role === 'sender')).toHaveLength(10);
    expect(ps.filter((p) => p.role === 'receiver')).toHaveLength(90);
    expect(totalSends(v, 10_000)).toBe(200);
  });

  it('rooms: users spread round-robin over the rooms', () => {
    const v = { ...base, scenario: 'rooms' as const, users: 30, rooms: 3, rate: 30 };
    const rooms = plans(v).map((p) => p.room);
    expect(new Set(rooms)).toEqual(new Set(['lt1-0', 'lt1-1', 'lt1-2']));
    expect(rooms.filter((r) => r === 'lt1-1')).toHaveLength(10);
    expect(totalSends(v, 10_000)).toBe(300);
  });

  it('flood: one extra user floods, the others keep the normal rate', () => {
    const v = { ...base, scenario: 'flood' as const, users: 10, rate: 10 };
    const ps = plans(v);
    expect(ps).toHaveLength(11);
    expect(ps.filter((p) => p.role === 'flooder')).toHaveLength(1);
    expect(sendTimes(ps[0]!, 1000)).toHaveLength(20);
    expect(ps.slice(1).reduce((n, p) => n + sendTimes(p, 10_000).length, 0)).toBe(100);
  });
});
