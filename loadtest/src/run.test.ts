/**
 * One short real run: Artillery with the socketio-v3 engine against the floor and the embedded chat server, each
 * started in its own process. Asserts integrity and the report files — never a time (the machine is shared).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from './args';
import { runLoadtest, type LoadtestResult } from './cli';
import { LOADTEST_DIR } from './paths';
import { findChromium } from './report';

let out: string;
let result: LoadtestResult;

beforeAll(async () => {
  // Artillery loads the built processor and the servers run from dist: build this project and its references.
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-b', join(LOADTEST_DIR, 'tsconfig.json')], { stdio: 'inherit' });
  out = mkdtempSync(join(os.tmpdir(), 'loadtest-test-'));
  // A p99 limit no machine misses: this test is about correctness, not speed.
  const options = parseArgs(['--users', '4', '--rate', '4', '--duration', '3', '--p99', '60000', '--out', out]);
  result = await runLoadtest(options, () => {});
  // Two builds, two servers and two Artillery runs: minutes on a busy machine. A hook that timed out would leave the run
  // writing into a removed folder, failing whichever suite the worker runs next.
}, 600_000);

afterAll(() => {
  if (out) rmSync(out, { recursive: true, force: true });
});

it('delivers every acknowledged message exactly once, in order, on the floor and the embedded server', () => {
  expect(result.runs.map((r) => r.label)).toEqual(['floor', 'embedded']);
  for (const run of result.runs) {
    const c = (k: string) => run.stats.counters.get(k) ?? 0;
    expect({
      run: run.label,
      lost: c('chat.lost'),
      duplicated: c('chat.duplicated'),
      outOfOrder: c('chat.out_of_order'),
      failed: c('chat.send_failed'),
    }).toEqual({
      run: run.label,
      lost: 0,
      duplicated: 0,
      outOfOrder: 0,
      failed: 0,
    });
    // 4 users × 1 msg/s × 3 s, each seen by all 4 users.
    expect(c('chat.acked')).toBe(12);
    expect(c('chat.received')).toBe(48);
    expect(run.stats.histograms.get('chat.e2e_ms')?.count).toBe(12);
    expect(run.stats.histograms.get('chat.fanout_ms')?.count).toBe(36);
  }
  expect(result.failures).toEqual([]);
});

it('writes the Artillery JSON, the summary, the HTML report and its PNG', () => {
  for (const file of result.files.artillery) {
    const report = JSON.parse(readFileSync(file, 'utf8')) as { aggregate: { counters: Record<string, number> } };
    expect(report.aggregate.counters['chat.acked']).toBe(12);
    expect(report.aggregate.counters['chat.lost']).toBe(0);
  }
  expect(readFileSync(result.files.summary, 'utf8')).toMatch(/\| embedded \| chat\.e2e_ms/);
  expect(readFileSync(result.files.html, 'utf8')).toContain('<svg');
  if (findChromium()) expect(result.files.png && existsSync(result.files.png)).toBe(true);
});
