/**
 * Injecting and undoing each kind of fault on the rig, one fault after the other at the schedule's times. A fault
 * whose hold outlasts the run is undone anyway when the run ends (so the rig can be read and stopped), and recorded
 * as still in effect: the checks call it unrecovered.
 */
import type { FaultRecord } from './checks';
import type { Rig } from './rig';
import type { FaultKind, FaultSpec } from './schedule';

interface FaultAction {
  inject(rig: Rig, f: FaultSpec): Promise<void> | void;
  undo(rig: Rig, f: FaultSpec): Promise<void> | void;
}

const server = (rig: Rig, f: FaultSpec) => rig.servers[(f.server ?? 1) - 1]!;
const need = <T>(part: T | undefined, what: string): T => {
  if (part === undefined) throw new Error(`this rig has no ${what}`);
  return part;
};

const ACTIONS: Record<FaultKind, FaultAction> = {
  kill: { inject: (rig, f) => server(rig, f).kill(), undo: (rig, f) => server(rig, f).start() },
  term: { inject: (rig, f) => server(rig, f).stop(), undo: (rig, f) => server(rig, f).start() },
  redis: { inject: (rig) => need(rig.redis, 'Redis').stop(), undo: (rig) => need(rig.redis, 'Redis').restart() },
  freeze: { inject: (rig) => need(rig.moto, 'moto').pause(), undo: (rig) => need(rig.moto, 'moto').resume() },
  partition: {
    inject: (rig, f) => need(rig.proxies[(f.server ?? 1) - 1], 'Redis proxy').cut(),
    undo: (rig, f) => need(rig.proxies[(f.server ?? 1) - 1], 'Redis proxy').restore(),
  },
};

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal.aborted || ms <= 0) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });

export type FaultLog = (line: string) => void;

/**
 * Runs `faults` against `rig` from `t0`, one after the other: each at its time, or as much later as the one before
 * it ended late. `lastStart` (ms after t0): a fault scheduled after it is not injected. `stop` aborts a hold (the fault is then undone at once
 * and left without an end time). Fills and returns one record per fault.
 */
export async function runFaults(
  rig: Rig,
  faults: FaultSpec[],
  t0: number,
  lastStart: number,
  stop: AbortSignal,
  log: FaultLog,
  records: FaultRecord[] = faults.map((f) => ({ ...f })),
): Promise<FaultRecord[]> {
  const now = () => Date.now() - t0;
  // How late the previous fault ended against its schedule (a restart takes seconds on a busy machine): the next one
  // keeps its quiet time after it, so each recovery is measured on its own.
  let late = 0;
  for (const [i, f] of faults.entries()) {
    const record = records[i]!;
    // Scheduled within the chatting, a fault runs even when the ones before it made it late.
    if (f.at > lastStart) continue;
    await sleep(f.at + late - now(), stop);
    if (stop.aborted) continue;
    const name = `${f.kind}${f.server ? ` s${f.server}` : ''}`;
    record.startedAt = now();
    log(`${(record.startedAt / 1000).toFixed(1)} s  fault #${i + 1}: ${name} for ${(f.holdMs / 1000).toFixed(1)} s`);
    try {
      await ACTIONS[f.kind].inject(rig, f);
    } catch (err) {
      record.error = `injecting failed: ${(err as Error).message.split('\n')[0]}`;
    }
    await sleep(f.holdMs, stop);
    const cut = stop.aborted;
    try {
      await ACTIONS[f.kind].undo(rig, f);
      if (!cut) record.endedAt = now();
      late = Math.max(0, now() - (f.at + f.holdMs));
    } catch (err) {
      record.error = `undoing failed: ${(err as Error).message.split('\n')[0]}`;
    }
    log(
      record.endedAt === undefined
        ? `${(now() / 1000).toFixed(1)} s  fault #${i + 1}: ${name} ${cut ? 'still in effect when the run ended (undone now)' : 'not undone'}`
        : `${(record.endedAt / 1000).toFixed(1)} s  fault #${i + 1}: ${name} undone`,
    );
  }
  return records;
}
