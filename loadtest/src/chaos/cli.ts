/**
 * `npm run chaos`: parse the options, run, print the report. Exit 0 with no violation, 1 with any (or a rig that
 * would not start), 2 on a bad command line. A watchdog ends the process if the run itself outlives its bounds.
 */
import { mkdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { LOADTEST_DIR } from '../paths';
import { parseChaosArgs, seedArgs, USAGE, UsageError, type ChaosOptions } from './options';
import { formatReport } from './report';
import { runChaos } from './run';
import { ScheduleError } from './schedule';

/** Beyond chatting and drain: starting and stopping the rig, reading history, the checks. */
const WATCHDOG_MARGIN_MS = 5 * 60_000;

async function main(): Promise<number> {
  // npm runs the script in the workspace: paths on the command line are the caller's.
  const cwd = process.env['INIT_CWD'] ?? process.cwd();
  let o: ChaosOptions;
  try {
    o = parseChaosArgs(process.argv.slice(2), { cwd });
  } catch (err) {
    if (err instanceof UsageError || err instanceof ScheduleError) {
      console.error(err.message);
      return 2;
    }
    throw err;
  }
  if (o.help) {
    console.log(USAGE);
    return 0;
  }
  const s = o.schedule;
  const stamp = new Date().toISOString().replace(/[:.]/g, '-').replace('Z', '');
  const dir = resolve(cwd, o.outDir ?? join(LOADTEST_DIR, 'reports'), `${stamp}-chaos-${s.seed}`);
  mkdirSync(dir, { recursive: true });

  // Children (servers, moto, Redis, HAProxy) are killed by exit handlers: make Ctrl-C and the watchdog run them.
  process.once('SIGINT', () => process.exit(130));
  process.once('SIGTERM', () => process.exit(143));
  const watchdog = setTimeout(
    () => {
      console.error(
        `chaos: the run outlived ${(s.durationMs + s.drainMs + WATCHDOG_MARGIN_MS) / 1000} s; stopping everything (logs in ${dir})`,
      );
      process.exit(1);
    },
    s.durationMs + s.drainMs + WATCHDOG_MARGIN_MS,
  );
  watchdog.unref();

  try {
    const result = await runChaos(s, dir);
    const file = join(dir, 'schedule.json').startsWith(cwd) ? relative(cwd, join(dir, 'schedule.json')) : join(dir, 'schedule.json');
    const replay = [`npm run chaos -- --schedule ${file}`, ...(o.replayOf ? [] : [`npm run chaos -- ${seedArgs(s).join(' ')}`])];
    console.log('\n' + formatReport(result, replay));
    return result.ok ? 0 : 1;
  } catch (err) {
    console.error(`chaos: ${(err as Error).message}`);
    return 1;
  }
}

void main().then((code) => process.exit(code));
