/**
 * What each virtual user does in a scenario: its room, whether it sends, and when. Senders are spread evenly over
 * the send interval so the aggregate rate is smooth rather than bursts of simultaneous emits.
 */

export type ScenarioName = 'latency' | 'fanout' | 'rooms' | 'flood';
export const SCENARIOS: readonly ScenarioName[] = ['latency', 'fanout', 'rooms', 'flood'];

export interface PlanVars {
  scenario: ScenarioName;
  /** connected virtual users in total */
  users: number;
  /** accepted messages per second, all senders together (the flooder's extra load not included) */
  rate: number;
  /** fanout: how many of the users send */
  senders: number;
  /** rooms: how many rooms the users are spread over */
  rooms: number;
  /** flood: messages per second from the one flooding client */
  floodRate: number;
  /** prefix of room names, unique per run so runs never read each other's messages */
  roomPrefix: string;
}

export type Role = 'sender' | 'receiver' | 'flooder';

export interface VuPlan {
  role: Role;
  room: string;
  /** ms between two sends of this user; Infinity for a pure receiver */
  intervalMs: number;
  /** ms after the common start of this user's first send */
  offsetMs: number;
}

export function planFor(index: number, v: PlanVars): VuPlan {
  const users = Math.max(1, v.users);
  const rate = Math.max(0.001, v.rate);
  switch (v.scenario) {
    case 'fanout': {
      const senders = Math.min(users, Math.max(1, v.senders));
      const room = `${v.roomPrefix}-0`;
      if (index % users >= senders) return { role: 'receiver', room, intervalMs: Infinity, offsetMs: 0 };
      return spread(index % users, senders, rate, room, 'sender');
    }
    case 'rooms': {
      const rooms = Math.min(users, Math.max(1, v.rooms));
      return spread(index % users, users, rate, `${v.roomPrefix}-${index % rooms}`, 'sender');
    }
    case 'flood': {
      const room = `${v.roomPrefix}-0`;
      // The flooder is one extra connection on top of the normal users, sending far above the rate limit.
      if (index === 0) return { role: 'flooder', room, intervalMs: 1000 / Math.max(0.001, v.floodRate), offsetMs: 0 };
      return spread((index - 1) % users, users, rate, room, 'sender');
    }
    default:
      return spread(index % users, users, rate, `${v.roomPrefix}-0`, 'sender');
  }
}

function spread(slot: number, senders: number, rate: number, room: string, role: Role): VuPlan {
  const intervalMs = (senders / rate) * 1000;
  return { role, room, intervalMs, offsetMs: (slot / senders) * intervalMs };
}

/** Virtual users the scenario needs: the flood scenario adds the flooder. */
export function vuCount(v: Pick<PlanVars, 'scenario' | 'users'>): number {
  return v.scenario === 'flood' ? v.users + 1 : v.users;
}

/** Emit times (ms after start) of one user within a send window of `durationMs`. */
export function sendTimes(plan: VuPlan, durationMs: number): number[] {
  if (!Number.isFinite(plan.intervalMs)) return [];
  const out: number[] = [];
  for (let t = plan.offsetMs; t < durationMs; t += plan.intervalMs) out.push(t);
  return out;
}
