import type { ErrorBody, Parsed } from '@chat/protocol';
import { keyedLimit, type AddressLimits, type LimitOutcome } from '../abuse-limits';

type Refusal = { ok: false; error: ErrorBody };

/** A budget one event is charged to, bound to its key (the socket, its address). */
export interface Budget {
  take(): Promise<LimitOutcome>;
  /** What a refusal says, after "at most". */
  refusal: string;
}

/** `points` events per `seconds` per key; a refusal says "at most <points> <what> per <seconds> s". */
export function perKey(points: number, seconds: number, what: string): (key: string) => Budget {
  const limit = keyedLimit(points, seconds);
  const refusal = `${points} ${what} per ${seconds} s`;
  return (key) => ({ take: () => limit(key), refusal });
}

/**
 * `points` events per `seconds` per client address (AddressLimits: keyed by addressKey, shared by the servers), for an
 * event that fans out to a room: many sockets from one address share it.
 */
export function perAddressBudget(
  limits: AddressLimits,
  name: string,
  points: number,
  seconds: number,
  what: string,
): (address: string) => Budget {
  const limit = limits.perAddress(name, points, seconds);
  const refusal = `${points} ${what} per ${seconds} s from one address`;
  return (address) => ({ take: () => limit(address), refusal });
}

export interface LimitedHandler<P, A> {
  /** The payload's validation, first: a refused payload spends no budget. None when the use case validates. */
  parse?: (payload: unknown) => Parsed<P>;
  /** What must hold before any budget is spent (the socket is in the room, it said who it is). */
  refuse?: (payload: P) => ErrorBody | undefined;
  /** Charged in order; the first one spent refuses the event with `rate_limited`. */
  budgets: Budget[];
  handle: (payload: P, reply: (ack: A | Refusal) => void) => unknown;
  /** Called as the event arrives; what it returns is called with the answer (the ack latency metric). */
  observe?: () => (ack: A | Refusal) => void;
}

/**
 * A socket event handler that always answers: the payload is validated, the preconditions checked and the budgets
 * charged, each refusal an error ack with a message that says why, before `handle` runs. Whatever the client sent:
 * Socket.IO passes the ack as the last argument, so `emit('join', ack)` brings the ack where the payload should be,
 * and `emit('join', a, b, ack)` puts it third; either way the client gets its answer (a refusal of the missing
 * payload) instead of silence.
 */
export function limitedHandler<P, A>(spec: LimitedHandler<P, A>): (...args: unknown[]) => void {
  return (...args: unknown[]) => {
    const last = args.at(-1);
    const ack = typeof last === 'function' ? (last as (r: A | Refusal) => void) : undefined;
    const payload = typeof args[0] === 'function' ? undefined : args[0];
    const done = spec.observe?.();
    const reply = (r: A | Refusal) => {
      done?.(r);
      ack?.(r);
    };
    void answer(spec, payload, reply);
  };
}

async function answer<P, A>(spec: LimitedHandler<P, A>, payload: unknown, reply: (ack: A | Refusal) => void): Promise<void> {
  let value = payload as P;
  if (spec.parse) {
    const parsed = spec.parse(payload);
    if (!parsed.ok) return reply({ ok: false, error: parsed.error });
    value = parsed.value;
  }
  const refused = spec.refuse?.(value);
  if (refused) return reply({ ok: false, error: refused });
  for (const budget of spec.budgets) {
    if (!(await budget.take()).ok) return reply({ ok: false, error: { code: 'rate_limited', message: `at most ${budget.refusal}` } });
  }
  await spec.handle(value, reply);
}
