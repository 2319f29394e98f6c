import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { Config } from '../config';
import { addressMatcher } from './client-address';

export type LimitOutcome = { ok: true } | { ok: false; retryInSeconds: number };

/**
 * `points` per `durationSeconds` per key (a socket id, an address): the one building block of every limit here.
 * Typing, deletes or any later event can make its own with the same call.
 */
export function keyedLimit(points: number, durationSeconds: number): (key: string) => Promise<LimitOutcome> {
  const limiter = new RateLimiterMemory({ points, duration: durationSeconds });
  return (key) =>
    limiter.consume(key).then(
      () => ({ ok: true }) as const,
      (rejection: unknown) => {
        if (!(rejection instanceof RateLimiterRes)) throw rejection;
        return { ok: false, retryInSeconds: Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)) } as const;
      },
    );
}

/**
 * Limits per client address, on top of the per-socket ones: a client opening hundreds of sockets must not get
 * hundreds of times the message rate, since every message costs an SQS send and a DynamoDB write. Counted per
 * server process (several servers each allow this much).
 */
export class AddressLimits {
  private readonly sockets = new Map<string, number>();
  private readonly messages: (address: string) => Promise<LimitOutcome>;
  private readonly uploadUrls: (address: string) => Promise<LimitOutcome>;
  private readonly connections: (address: string) => Promise<LimitOutcome>;
  /** Addresses and CIDRs (`ABUSE_EXEMPT_ADDRESSES`) no per-address limit applies to. */
  readonly exempt: (address: string) => boolean;

  constructor(private readonly config: Pick<Config, 'abuse' | 'rateLimit'>) {
    this.exempt = addressMatcher(config.abuse.exempt);
    this.messages = keyedLimit(config.abuse.addressMessagePoints, config.rateLimit.windowSeconds);
    this.uploadUrls = keyedLimit(config.abuse.uploadUrlsPerHour, 3600);
    this.connections = keyedLimit(config.abuse.connectionsPerMinute, 60);
  }

  /** Admit one more socket from `address`, or say why not. `release` when its connection closes (idempotent). */
  admitSocket(address: string): { ok: true; release: () => void } | { ok: false; reason: string } {
    const max = this.config.abuse.socketsPerAddress;
    if (this.socketsFrom(address) >= max && !this.exempt(address)) return { ok: false, reason: `at most ${max} connections per address` };
    this.sockets.set(address, this.socketsFrom(address) + 1);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      const left = this.socketsFrom(address) - 1;
      if (left <= 0) this.sockets.delete(address);
      else this.sockets.set(address, left);
    };
    return { ok: true, release };
  }

  /** Sockets open from `address` (for tests and metrics). */
  socketsFrom(address: string): number {
    return this.sockets.get(address) ?? 0;
  }

  /** One more new socket (a handshake, or a recovered session) from `address`. */
  connection(address: string): Promise<LimitOutcome> {
    return this.exempt(address) ? Promise.resolve({ ok: true }) : this.connections(address);
  }

  /** A message, edit or reaction from `address`: each is a store write, and they share one budget. */
  message(address: string): Promise<LimitOutcome> {
    return this.exempt(address) ? Promise.resolve({ ok: true }) : this.messages(address);
  }

  uploadUrl(address: string): Promise<LimitOutcome> {
    return this.exempt(address) ? Promise.resolve({ ok: true }) : this.uploadUrls(address);
  }
}
