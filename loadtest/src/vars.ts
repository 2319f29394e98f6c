import { SCENARIOS, type PlanVars, type ScenarioName } from './plan';

/** Scenario variables (from the YAML's `config.variables`, overridden by the CLI's `--variables`). */
export interface RunVars extends PlanVars {
  /** seconds of the send window */
  duration: number;
  /** seconds over which users arrive (the Artillery phase) */
  ramp: number;
  /** extra seconds after the last arrival for connections and joins to complete */
  settle: number;
  /** seconds to wait for an ack before counting the send as failed */
  ackTimeout: number;
  /** seconds after the send window to wait for outstanding deliveries */
  drainTimeout: number;
  /** message text; each message appends its number */
  text: string;
}

const num = (v: unknown, fallback: number, min = 0): number => {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  return Number.isFinite(n) && n >= min ? n : fallback;
};

export function readVars(vars: Record<string, unknown>): RunVars {
  const scenario = SCENARIOS.includes(vars.scenario as ScenarioName) ? (vars.scenario as ScenarioName) : 'latency';
  const ackTimeout = num(vars.ackTimeout, 5, 0.1);
  const prefix = typeof vars.roomPrefix === 'string' && /^[a-z0-9_-]{1,40}$/.test(vars.roomPrefix) ? vars.roomPrefix : undefined;
  return {
    scenario,
    users: Math.floor(num(vars.users, 100, 1)),
    rate: num(vars.rate, 50, 0.001),
    senders: Math.floor(num(vars.senders, 10, 1)),
    rooms: Math.floor(num(vars.rooms, 10, 1)),
    floodRate: num(vars.floodRate, 20, 0.001),
    roomPrefix: prefix ?? `lt${Date.now().toString(36)}`,
    duration: num(vars.duration, 60, 0.1),
    ramp: num(vars.ramp, 5, 0),
    settle: num(vars.settle, 2, 0),
    ackTimeout,
    drainTimeout: Math.max(ackTimeout + 1, num(vars.drainTimeout, 10, 0)),
    text: typeof vars.text === 'string' && vars.text.length > 0 ? vars.text.slice(0, 1900) : 'load test message',
  };
}
