import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { seedArgs } from './options';
import { formatReport } from './report';
import { runChaos, type ChaosResult } from './run';
import { drawSchedule, FAULT_KINDS, type Schedule } from './schedule';

/**
 * The chaos run of `npm run chaos`, short and seeded, against the real processes: it must end with no violation.
 * Nothing here waits on time or asserts one: the run drains until every send is acked and delivered (bounded by the
 * schedule's drain), and recovery times are only reported.
 */

const dirs: string[] = [];
const newDir = () => {
  const dir = mkdtempSync(join(os.tmpdir(), 'chaos-test-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  if (!process.env['KEEP_CHAOS_LOGS']) for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const injected = (r: ChaosResult) => new Set(r.faults.filter((f) => f.startedAt !== undefined).map((f) => f.kind));

/** The report as the command prints it, with how to replay, when the run found violations. */
function verdict(r: ChaosResult): string {
  return r.ok
    ? 'no violation'
    : `${formatReport(r, [`npm run chaos -- ${seedArgs(r.schedule).join(' ')}`])}\n(KEEP_CHAOS_LOGS=1 keeps ${r.dir})`;
}

describe('chaos run', () => {
  test('two servers on moto, a seeded 75 s schedule with every fault kind: no violation', async () => {
    // Seed 1 draws: partition s1, freeze, term s1, kill s1, redis.
    const schedule = drawSchedule({
      seed: 1,
      backend: 'moto',
      servers: 2,
      durationMs: 75_000,
      drainMs: 120_000,
      clients: 8,
      rooms: 3,
      rate: 4,
      kinds: [...FAULT_KINDS],
    });
    expect(new Set(schedule.faults.map((f) => f.kind))).toEqual(new Set(FAULT_KINDS));
    const log: string[] = [];
    const result = await runChaos(schedule, newDir(), (line) => log.push(line));
    expect(injected(result)).toEqual(new Set(FAULT_KINDS));
    expect(result.counts.acked).toBeGreaterThan(0);
    expect(verdict(result)).toBe('no violation');
  }, 420_000);

  test('a fault the product cannot survive (a server never restarted) ends the run on time and is reported', async () => {
    const schedule: Schedule = {
      version: 1,
      seed: 3,
      backend: 'embedded',
      servers: 1,
      durationMs: 8000,
      drainMs: 4000,
      clients: 2,
      rooms: 2,
      rate: 2,
      kinds: ['kill'],
      faults: [{ at: 3000, kind: 'kill', server: 1, holdMs: 600_000 }],
    };
    const result = await runChaos(schedule, newDir(), () => undefined);
    expect(result.ok).toBe(false);
    const failed = Object.fromEntries(result.checks.filter((c) => !c.ok).map((c) => [c.name, c.examples[0]]));
    expect(failed['every fault recovered, no server died by itself']).toBe('#1 kill s1 still in effect when the run ended');
    expect(failed['every send acked (after retries)']).toMatch(/never acked/);
    // What was acked before the crash is still stored once, in order, without a gap.
    for (const name of ['every acked message stored once', 'one order everywhere = history', 'no seq gap'])
      expect(failed[name]).toBeUndefined();
  }, 120_000);
});
