/** The end-of-run summary: latency quantiles per metric, throughput and integrity counts, ratios to the floor. */
import type { AwsUsageCounts } from './cost';
import { INTEGRITY_COUNTERS, LATENCY_METRICS, RunStats } from './stats';

export interface RunResult {
  /** 'floor', 'embedded', 'moto' or 'target' */
  label: string;
  target: string;
  stats: RunStats;
  /** seconds of the send window */
  durationS: number;
  /** CPU time of the server process, when the harness started it */
  serverCpuMs?: number;
  /** wall time the server process ran, for its CPU share */
  serverWallMs?: number;
  /** CPU time of the server process during the send window alone (sampled), ms */
  sendCpuMs?: number;
  artilleryExitCode: number;
  checks: string[];
  /** Scale-out runs: servers started and how many took connections from the load balancer. */
  servers?: { count: number; served: number; sessions: Record<string, number> };
  /** What the server's /metrics counted of AWS over the run (cost.ts) */
  usage?: AwsUsageCounts;
}

export interface MetricRow {
  run: string;
  metric: string;
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  floorP50?: number;
  floorP99?: number;
}

export interface RunRow {
  run: string;
  msgsPerS: number;
  deliveriesPerS: number;
  lost: number;
  duplicated: number;
  outOfOrder: number;
  failed: number;
  /** flood scenario: the flooder's sends refused as rate_limited (expected) */
  floodRefused: number;
  /** flood scenario: the flooder's history reads answered, and refused with 429 (expected) */
  floodHistoryServed: number;
  floodHistoryRefused: number;
  /** share of one core: over the send window when sampled, else over the whole run */
  serverCpuPct?: number;
  /** "2 (2 served)" for a scale-out run */
  servers?: string;
  /** server CPU ms per message sent and µs per delivery, over the send window */
  cpuMsPerMsg?: number;
  cpuUsPerDelivery?: number;
}

export function metricRows(runs: RunResult[]): MetricRow[] {
  const floor = runs.find((r) => r.label === 'floor');
  const rows: MetricRow[] = [];
  for (const run of runs) {
    for (const metric of LATENCY_METRICS) {
      const h = run.stats.histograms.get(metric);
      if (!h || h.count === 0) continue;
      const row: MetricRow = {
        run: run.label,
        metric,
        count: h.count,
        p50: h.quantile(0.5),
        p95: h.quantile(0.95),
        p99: h.quantile(0.99),
        max: h.max,
      };
      const f = floor?.stats.histograms.get(metric);
      if (floor && run !== floor && f && f.count > 0) {
        row.floorP50 = row.p50 / f.quantile(0.5);
        row.floorP99 = row.p99 / f.quantile(0.99);
      }
      rows.push(row);
    }
  }
  return rows;
}

export function runRows(runs: RunResult[]): RunRow[] {
  return runs.map((r) => {
    const c = (k: string) => r.stats.counters.get(k) ?? 0;
    const sent = c('chat.sent') + c('chat.flood.sent');
    return {
      run: r.label,
      msgsPerS: c('chat.acked') / r.durationS,
      deliveriesPerS: c('chat.received') / r.durationS,
      lost: c('chat.lost'),
      duplicated: c('chat.duplicated'),
      outOfOrder: c('chat.out_of_order'),
      failed: c('chat.send_failed'),
      floodRefused: c('chat.flood.rejected.rate_limited'),
      floodHistoryServed: c('chat.flood.history.ok'),
      floodHistoryRefused: c('chat.flood.history.rate_limited'),
      ...(r.sendCpuMs !== undefined
        ? {
            serverCpuPct: (r.sendCpuMs / (r.durationS * 1000)) * 100,
            // Per message the server handled (sent), acknowledged in time or not: a saturated server still did the work.
            ...(sent > 0 ? { cpuMsPerMsg: r.sendCpuMs / sent } : {}),
            ...(c('chat.received') > 0 ? { cpuUsPerDelivery: (r.sendCpuMs * 1000) / c('chat.received') } : {}),
          }
        : r.serverCpuMs !== undefined && r.serverWallMs
          ? { serverCpuPct: (r.serverCpuMs / r.serverWallMs) * 100 }
          : {}),
      ...(r.servers ? { servers: `${r.servers.count} (${r.servers.served} served)` } : {}),
    };
  });
}

/** Integrity failures of a run, as readable reasons; empty when the run is clean. */
export function integrityFailures(run: RunResult): string[] {
  const out: string[] = [];
  for (const k of INTEGRITY_COUNTERS) {
    const n = run.stats.counters.get(k) ?? 0;
    if (n > 0) out.push(`${run.label}: ${k} = ${n}`);
  }
  if ((run.stats.counters.get('chat.acked') ?? 0) === 0) out.push(`${run.label}: no message was acknowledged`);
  return out;
}

const ms = (v: number) => (Number.isFinite(v) ? (v < 10 ? v.toFixed(2) : v < 100 ? v.toFixed(1) : v.toFixed(0)) : '–');
const ratio = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? '' : `${v.toFixed(2)}×`);

export function markdownTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

export function formatSummary(runs: RunResult[]): string {
  const latency = markdownTable(
    ['run', 'metric', 'n', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'p50 ÷ floor', 'p99 ÷ floor'],
    metricRows(runs).map((r) => [
      r.run,
      r.metric,
      String(r.count),
      ms(r.p50),
      ms(r.p95),
      ms(r.p99),
      ms(r.max),
      ratio(r.floorP50),
      ratio(r.floorP99),
    ]),
  );
  const rows = runRows(runs);
  const floorCpu = rows.find((r) => r.run === 'floor')?.serverCpuPct;
  const flood = runs.some((r) => r.stats.counters.has('chat.flood.sent'));
  const scaled = runs.some((r) => r.servers);
  const totals = markdownTable(
    [
      'run',
      ...(scaled ? ['servers'] : []),
      'msgs/s',
      'deliveries/s',
      'lost',
      'duplicated',
      'out-of-order',
      'failed sends',
      ...(flood ? ['flooder refused', 'flooder history served / 429'] : []),
      'server CPU',
      'CPU ms/msg',
      'CPU µs/delivery',
      'CPU ÷ floor',
    ],
    rows.map((r) => [
      r.run,
      ...(scaled ? [r.servers ?? '1'] : []),
      r.msgsPerS.toFixed(1),
      r.deliveriesPerS.toFixed(0),
      String(r.lost),
      String(r.duplicated),
      String(r.outOfOrder),
      String(r.failed),
      ...(flood ? [String(r.floodRefused), `${r.floodHistoryServed} / ${r.floodHistoryRefused}`] : []),
      r.serverCpuPct === undefined ? '' : `${r.serverCpuPct.toFixed(1)}%`,
      r.cpuMsPerMsg === undefined ? '' : r.cpuMsPerMsg.toFixed(3),
      r.cpuUsPerDelivery === undefined ? '' : r.cpuUsPerDelivery.toFixed(1),
      r.run === 'floor' || r.serverCpuPct === undefined || floorCpu === undefined ? '' : ratio(r.serverCpuPct / floorCpu),
    ]),
  );
  return `${latency}\n\n${totals}`;
}
