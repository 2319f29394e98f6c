import { ticks } from './charts';
import { renderHtml } from './report';
import { RunStats } from './stats';
import { formatSummary, integrityFailures, metricRows, runRows, type RunResult } from './summary';

function run(label: string, e2e: number[], counters: Record<string, number> = {}): RunResult {
  const stats = new RunStats(0);
  e2e.forEach((v, i) => stats.record('chat.e2e_ms', Math.floor(i / 10), v));
  stats.count('chat.sent', e2e.length);
  stats.count('chat.acked', e2e.length);
  stats.count('chat.received', e2e.length * 3);
  for (const [k, n] of Object.entries(counters)) stats.count(k, n);
  return { label, target: 'http://127.0.0.1:1', stats, durationS: 10, artilleryExitCode: 0, checks: [] };
}

describe('summary', () => {
  const floor = run(
    'floor',
    Array.from({ length: 100 }, () => 1),
  );
  const embedded = run(
    'embedded',
    Array.from({ length: 100 }, (_, i) => (i < 99 ? 3 : 30)),
  );

  it('states each metric relative to the floor run', () => {
    const rows = metricRows([floor, embedded]);
    const e = rows.find((r) => r.run === 'embedded' && r.metric === 'chat.e2e_ms')!;
    expect(e.floorP50).toBeCloseTo(3, 1);
    expect(e.max).toBe(30);
    expect(rows.find((r) => r.run === 'floor')!.floorP50).toBeUndefined();
  });

  it('reports throughput over the send window', () => {
    expect(runRows([embedded])[0]).toMatchObject({ msgsPerS: 10, deliveriesPerS: 30, lost: 0, duplicated: 0, outOfOrder: 0 });
  });

  it('states server CPU over the send window, per message and per delivery, and against the floor', () => {
    const [f, e] = runRows([
      { ...floor, sendCpuMs: 500, serverCpuMs: 9000, serverWallMs: 20000 },
      { ...embedded, sendCpuMs: 1500 },
    ]);
    // 10 s window; 100 messages, 300 deliveries.
    expect(f).toMatchObject({ serverCpuPct: 5, cpuMsPerMsg: 5 });
    expect(e).toMatchObject({ serverCpuPct: 15, cpuMsPerMsg: 15, cpuUsPerDelivery: 5000 });
    expect(
      formatSummary([
        { ...floor, sendCpuMs: 500 },
        { ...embedded, sendCpuMs: 1500 },
      ]),
    ).toMatch(/\| embedded .*\| 15\.0% +\| 15\.000 +\| 5000\.0 +\| 3\.00× +\|/);
  });

  it('fails a run with lost, duplicated or out-of-order messages, or with nothing acknowledged', () => {
    expect(integrityFailures(embedded)).toEqual([]);
    const bad = run('embedded', [1], { 'chat.lost': 2, 'chat.duplicated': 1, 'chat.out_of_order': 3 });
    expect(integrityFailures(bad)).toEqual(['embedded: chat.lost = 2', 'embedded: chat.duplicated = 1', 'embedded: chat.out_of_order = 3']);
    expect(integrityFailures(run('moto', []))).toEqual(['moto: no message was acknowledged']);
  });

  it('prints a table with one row per run and metric', () => {
    const text = formatSummary([floor, embedded]);
    expect(text).toMatch(/\| embedded \| chat\.e2e_ms +\| 100 /);
    expect(text).toMatch(/3\.0\d×/);
  });

  it('renders an HTML page with charts of every measured metric', () => {
    const html = renderHtml([floor, embedded], {
      title: 't',
      command: 'npm run loadtest',
      scenario: 'latency',
      startedAt: new Date(0),
      machine: 'm',
      settings: { users: 1 },
      passed: true,
      failures: [],
    });
    expect(html).toContain('chat.e2e_ms over time');
    expect(html).toContain('chat.e2e_ms histogram');
    expect(html).not.toContain('chat.fanout_ms over time');
    expect((html.match(/<svg /g) ?? []).length).toBe(3);
    expect(html).not.toMatch(/NaN|undefined/);
  });
});

describe('ticks', () => {
  it('covers the maximum with round steps', () => {
    expect(ticks(23)).toEqual([0, 5, 10, 15, 20, 25]);
    expect(ticks(0.9).at(-1)).toBeGreaterThanOrEqual(0.9);
    expect(ticks(0)).toEqual([0]);
  });
});
