/** The printed verdict of a chaos run: markdown tables (they paste into BENCHMARKS.md as they are). */
import type { Recovery } from './checks';
import type { ChaosResult } from './run';
import { FAULT_KINDS } from './schedule';

const s = (ms: number | undefined) => (ms === undefined ? '–' : `${(ms / 1000).toFixed(1)} s`);

function table(head: string[], rows: string[][]): string {
  return [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

/** The median (the lower middle of an even count) and the largest, ms. */
export function medianMax(values: number[]): { median?: number; max?: number } {
  if (values.length === 0) return {};
  const sorted = [...values].sort((a, b) => a - b);
  return { median: sorted[Math.floor((sorted.length - 1) / 2)], max: sorted.at(-1) };
}

/** Recovery (every room acking again) by fault kind: how many injected, median and max, unrecovered. */
export function recoveryByKind(recoveries: Recovery[]): string[][] {
  return FAULT_KINDS.flatMap((kind) => {
    const of = recoveries.filter((r) => r.fault.kind === kind && r.fault.startedAt !== undefined);
    if (of.length === 0) return [];
    const all = medianMax(of.flatMap((r) => (r.allRoomsMs === undefined ? [] : [r.allRoomsMs])));
    const first = medianMax(of.flatMap((r) => (r.firstAckMs === undefined ? [] : [r.firstAckMs])));
    const unrecovered = of.filter((r) => r.allRoomsMs === undefined).length;
    return [[kind, String(of.length), s(first.median), s(all.median), s(all.max), String(unrecovered)]];
  });
}

export function formatReport(r: ChaosResult, replay: string[]): string {
  const c = r.counts;
  const sch = r.schedule;
  const load = (l: number[]) => l.map((x) => x.toFixed(2)).join(' ');
  const lines = [
    `Chaos run: seed ${sch.seed}, ${sch.backend}, ${sch.servers} server(s), ${sch.durationMs / 1000} s of chatting, ${sch.clients} clients in ${sch.rooms} rooms at ${sch.rate} msg/s`,
    `machine: ${r.machine.cpus} × ${r.machine.model}; load average ${load(r.machine.loadBefore)} before, ${load(r.machine.loadAfter)} after`,
    `time: ${s(r.timing.setupMs)} set-up, ${s(r.timing.sendingMs)} chatting, ${s(r.timing.drainMs)} drain, ${s(r.timing.totalMs)} in all`,
    '',
    table(
      [
        'sent',
        'acked',
        'stored',
        'attempts',
        'unavailable',
        'rate_limited',
        'ack timeouts',
        'offline',
        'skipped turns',
        'reconnects',
        'sessions recovered',
      ],
      [
        [
          c.sent,
          c.acked,
          c.stored,
          c.attempts,
          c.unavailable,
          c.rateLimited,
          c.timeouts,
          c.offline,
          c.skipped,
          c.reconnects,
          c.recoveredSessions,
        ].map(String),
      ],
    ),
    '',
    table(
      ['check', 'result', 'what was checked'],
      r.checks.map((k) => [k.name, k.ok ? 'ok' : `**${k.violations} violation(s)**`, k.detail]),
    ),
  ];
  for (const k of r.checks.filter((x) => !x.ok)) {
    lines.push('', `${k.name}:`, ...k.examples.map((e) => `  - ${e}`));
    if (k.violations > k.examples.length) lines.push(`  - … ${k.violations - k.examples.length} more (result.json)`);
  }
  if (r.recoveries.length > 0) {
    lines.push(
      '',
      table(
        ['#', 'fault', 'at', 'held', 'first ack after', 'every room acking after'],
        r.recoveries.map((x) => {
          const f = x.fault;
          const held = f.startedAt !== undefined && f.endedAt !== undefined ? f.endedAt - f.startedAt : undefined;
          const all =
            f.startedAt === undefined
              ? 'not injected'
              : f.endedAt === undefined
                ? '**still in effect at the end**'
                : x.allRoomsMs === undefined
                  ? `**not in ${x.unrecovered.join(', ')}**`
                  : s(x.allRoomsMs);
          return [String(x.index + 1), `${f.kind}${f.server ? ` s${f.server}` : ''}`, s(f.startedAt), s(held), s(x.firstAckMs), all];
        }),
      ),
      '',
      table(
        ['fault kind', 'injected', 'first ack, median', 'every room, median', 'every room, max', 'unrecovered'],
        recoveryByKind(r.recoveries),
      ),
    );
  }
  lines.push(
    '',
    `${r.violations === 0 ? 'violations: 0' : `VIOLATIONS: ${r.violations}`}`,
    `schedule and result: ${r.dir}/schedule.json, ${r.dir}/result.json (server, moto, Redis and HAProxy logs beside them)`,
    `replay: ${replay.join('   or   ')}`,
  );
  return lines.join('\n');
}
