import { formatSeq, type ChatMessage } from '@chat/protocol';
import { runChecks, type Evidence } from './checks';
import { RoomView, type SendRecord } from './client';
import { medianMax, recoveryByKind } from './report';

const T0 = 1_000_000;
const msg = (room: string, n: number, id = `${room}-${n}`): ChatMessage => ({
  id,
  room,
  author: 'a',
  text: 't',
  sentAt: '2026-01-01T00:00:00.000Z',
  seq: formatSeq(n),
});
const acked = (m: ChatMessage, at: number): SendRecord => ({
  id: m.id,
  room: m.room,
  firstAt: T0 + at - 100,
  attempts: [{ at: T0 + at - 100, outcome: 'ok' }],
  ack: { seq: m.seq, at: T0 + at, attemptAt: T0 + at - 100 },
});

/** Two rooms of three messages, two members each seeing all live, every send acked at 1 s, 2 s, 3 s. */
function cleanRun(): Evidence {
  const rooms = ['r1', 'r2'];
  const history = new Map(rooms.map((r) => [r, [1, 2, 3].map((n) => msg(r, n))]));
  const clients = ['c1', 'c2'].map((name) => {
    const views = new Map(rooms.map((r) => [r, new RoomView(r)]));
    for (const [r, list] of history) for (const m of list) views.get(r)!.receive(m, T0);
    return { name, views, sends: [] as SendRecord[] };
  });
  for (const [r, list] of history) clients[r === 'r1' ? 0 : 1]!.sends.push(...list.map((m, i) => acked(m, (i + 1) * 1000)));
  return { rooms, history, clients, faults: [], t0: T0, crashes: [] };
}

const failed = (e: Evidence) =>
  Object.fromEntries(
    runChecks(e)
      .checks.filter((c) => !c.ok)
      .map((c) => [c.name, c.examples]),
  );

describe('chaos checks', () => {
  test('a clean run passes every check', () => {
    const { checks } = runChecks(cleanRun());
    expect(checks.map((c) => [c.name, c.ok])).toEqual([
      ['every acked message stored once', true],
      ['every send acked (after retries)', true],
      ['every member got every message once', true],
      ['one order everywhere = history', true],
      ['no seq gap', true],
      ['every fault recovered, no server died by itself', true],
    ]);
    expect(checks[2]!.detail).toBe('12 expected, 12 live deliveries, 0 from catch-up, 0 re-deliveries dropped by id');
  });

  test('a message stored but never delivered to a member that stayed is a violation, whatever came after it', () => {
    const e = cleanRun();
    const view = new RoomView('r1');
    // c2 got 1 and 3 live, never 2: its catch-up on reconnect starts after the newest it held, so it misses 2 too.
    view.receive(msg('r1', 1), T0);
    view.receive(msg('r1', 3), T0);
    e.clients[1]!.views.set('r1', view);
    expect(failed(e)).toEqual({ 'every member got every message once': ['c2 never got r1/r1-2 (seq 00000000000000000002)'] });
    // The same message from a catch-up counts (the member reconnected and read history).
    view.merge([msg('r1', 2)]);
    expect(failed(e)).toEqual({});
  });

  test('re-deliveries of an id are dropped, not violations; the same id with another seq is one', () => {
    const e = cleanRun();
    const view = e.clients[0]!.views.get('r2')!;
    view.receive(msg('r2', 3), T0);
    expect(failed(e)).toEqual({});
    expect(runChecks(e).checks[2]!.detail).toContain('1 re-deliveries dropped by id');
    view.receive({ ...msg('r2', 3), seq: formatSeq(4) }, T0);
    expect(failed(e)['every member got every message once']).toEqual([
      'c1 got r2/r2-3 as seq 00000000000000000003 and as 00000000000000000004',
    ]);
  });

  test('stored twice, acked but missing, acked with another seq', () => {
    const e = cleanRun();
    e.history.get('r1')!.push({ ...msg('r1', 4), id: 'r1-1' });
    e.clients[0]!.sends.push(acked(msg('r1', 9, 'ghost'), 500));
    e.clients[1]!.sends[0]!.ack!.seq = formatSeq(7);
    expect(failed(e)['every acked message stored once']).toEqual([
      'r1/r1-1 stored twice (seq 00000000000000000001 and 00000000000000000004)',
      'r1/ghost acked with seq 00000000000000000009 but not in history',
      'r2/r2-1 acked with seq 00000000000000000007, stored as 00000000000000000001',
    ]);
  });

  test('a send never acked, or refused for good', () => {
    const e = cleanRun();
    e.clients[0]!.sends.push({ id: 'late', room: 'r1', firstAt: T0, attempts: [{ at: T0, outcome: 'unavailable' }] });
    e.clients[0]!.sends.push({ id: 'bad', room: 'r1', firstAt: T0, attempts: [], refused: { code: 'invalid', message: 'no' } });
    expect(failed(e)['every send acked (after retries)']).toEqual([
      'r1/late never acked (1 attempts, last unavailable)',
      'r1/bad refused: invalid no',
    ]);
  });

  test('a new message arriving live below one already received is out of order', () => {
    const e = cleanRun();
    const view = new RoomView('r1');
    view.receive(msg('r1', 1), T0);
    view.receive(msg('r1', 3), T0);
    view.receive(msg('r1', 2), T0);
    e.clients[0]!.views.set('r1', view);
    expect(failed(e)).toEqual({
      'one order everywhere = history': ['c1 got r1/r1-2 (seq 00000000000000000002) live after seq 00000000000000000003'],
    });
  });

  test('a seq gap in history', () => {
    const e = cleanRun();
    e.history.set('r2', [msg('r2', 1), msg('r2', 3)]);
    expect(failed(e)['no seq gap']).toEqual(['r2: message 2 (r2-3) has seq 00000000000000000003']);
  });

  test('recovery: from the end of a fault to the first ack in any room and in every room; unrecovered when never', () => {
    const e = cleanRun();
    e.faults = [
      { at: 0, kind: 'kill', server: 1, holdMs: 100, startedAt: 200, endedAt: 1500 },
      { at: 2000, kind: 'freeze', holdMs: 100, startedAt: 2100, endedAt: 2600 },
      { at: 2800, kind: 'redis', holdMs: 100, startedAt: 2800 },
      { at: 5000, kind: 'term', server: 2, holdMs: 100 },
    ];
    const { recoveries } = runChecks(e);
    expect(recoveries.map((r) => [r.firstAckMs, r.allRoomsMs, r.unrecovered])).toEqual([
      [500, 500, []],
      [400, 400, []],
      [undefined, undefined, ['r1', 'r2']],
      [undefined, undefined, []],
    ]);
    expect(failed(e)['every fault recovered, no server died by itself']).toEqual(['#3 redis still in effect when the run ended']);
    // Acks after 2.6 s in r1 only: r2 never acks again.
    e.faults[2]!.endedAt = 2600;
    e.clients[1]!.sends = [];
    expect(failed(e)['every fault recovered, no server died by itself']).toContain('#3 redis: no ack after it ended in r2');
    expect(recoveryByKind(runChecks(e).recoveries)).toEqual([
      ['kill', '1', '0.5 s', '–', '–', '1'],
      ['redis', '1', '0.4 s', '–', '–', '1'],
      ['freeze', '1', '0.4 s', '–', '–', '1'],
    ]);
  });

  test('a server that died by itself is a violation', () => {
    const e = cleanRun();
    e.crashes.push({ server: 's2', at: 12_300, code: 1, signal: null });
    expect(failed(e)).toEqual({
      'every fault recovered, no server died by itself': ['server s2 exited by itself at 12.3 s (code 1, signal null)'],
    });
  });

  test('median and max', () => {
    expect(medianMax([])).toEqual({});
    expect(medianMax([5, 1, 3])).toEqual({ median: 3, max: 5 });
    expect(medianMax([4, 1, 3, 2])).toEqual({ median: 2, max: 4 });
  });
});
