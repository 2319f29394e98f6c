import type { Config } from '../config';
import { addressKey } from '../limits/address-key';
import { memoryLimiters, type LimitOutcome, type Limiters } from '../limits/limiter';
import { addressMatcher } from './client-address';

export type { LimitOutcome } from '../limits/limiter';

/**
 * `points` per `durationSeconds` per key (a socket id), in this process: the building block of the per-socket
 * limits. Per-address ones belong in AddressLimits, which keys them by addressKey and shares them between servers.
 */
export function keyedLimit(points: number, durationSeconds: number): (key: string) => Promise<LimitOutcome> {
  const limit = memoryLimiters.make('socket', points, durationSeconds);
  return (key) => limit.take(key);
}

/**
 * Limits per client address (keyed by addressKey: an IPv6 client by its /64), on top of the per-socket ones: a
 * client opening hundreds of sockets must not get hundreds of times the message rate, since every message costs an
 * SQS send and a DynamoDB write. Counted where `limiters` keeps them: with several servers, in their Redis, so the
 * budget is one for all of them.
 */
export class AddressLimits {
  private readonly sockets = new Map<string, number>();
  private readonly messages: (address: string) => Promise<LimitOutcome>;
  private readonly uploadUrls: (address: string) => Promise<LimitOutcome>;
  private readonly histories: (address: string) => Promise<LimitOutcome>;
  private readonly requests: (address: string) => Promise<LimitOutcome>;
  private readonly connections: (address: string) => Promise<LimitOutcome>;
  /** Addresses and CIDRs (`ABUSE_EXEMPT_ADDRESSES`) no per-address limit applies to. */
  readonly exempt: (address: string) => boolean;

  constructor(
    private readonly config: Pick<Config, 'abuse' | 'rateLimit' | 'httpRateLimitPerMinute'>,
    readonly limiters: Limiters = memoryLimiters,
  ) {
    this.exempt = addressMatcher(config.abuse.exempt);
    this.messages = this.perAddress('messages', config.abuse.addressMessagePoints, config.rateLimit.windowSeconds);
    this.uploadUrls = this.perAddress('upload-urls', config.abuse.uploadUrlsPerHour, 3600);
    this.histories = this.perAddress('history', config.abuse.historyPerMinute, 60);
    this.requests = this.perAddress('http', config.httpRateLimitPerMinute, 60);
    this.connections = this.perAddress('connections', config.abuse.connectionsPerMinute, 60);
  }

  /**
   * A limit per address under `name` in the shared store. Exempt addresses pass, unless `exemptable` is false (a
   * limit that slows down guessing a secret applies to everyone).
   */
  perAddress(name: string, points: number, durationSeconds: number, exemptable = true): (address: string) => Promise<LimitOutcome> {
    const limit = this.limiters.make(name, points, durationSeconds);
    return (address) => (exemptable && this.exempt(address) ? Promise.resolve({ ok: true }) : limit.take(addressKey(address)));
  }

  /** Admit one more socket from `address`, or say why not. `release` when its connection closes (idempotent). */
  admitSocket(address: string): { ok: true; release: () => void } | { ok: false; reason: string } {
    const max = this.config.abuse.socketsPerAddress;
    if (this.socketsFrom(address) >= max && !this.exempt(address)) return { ok: false, reason: `at most ${max} connections per address` };
    this.sockets.set(addressKey(address), this.socketsFrom(address) + 1);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      const left = this.socketsFrom(address) - 1;
      if (left <= 0) this.sockets.delete(addressKey(address));
      else this.sockets.set(addressKey(address), left);
    };
    return { ok: true, release };
  }

  /** Sockets open from `address` (for tests and metrics): counted by addressKey, so an IPv6 /64 is one address. */
  socketsFrom(address: string): number {
    return this.sockets.get(addressKey(address)) ?? 0;
  }

  /** One more new socket (a handshake, or a recovered session) from `address`. */
  connection(address: string): Promise<LimitOutcome> {
    return this.connections(address);
  }

  /** A message, edit or reaction from `address`: each is a store write, and they share one budget. */
  message(address: string): Promise<LimitOutcome> {
    return this.messages(address);
  }

  uploadUrl(address: string): Promise<LimitOutcome> {
    return this.uploadUrls(address);
  }

  /** A `GET /history` request. */
  history(address: string): Promise<LimitOutcome> {
    return this.histories(address);
  }

  /** Any request to the HTTP API's limited routes (history, upload URLs, uploads). */
  request(address: string): Promise<LimitOutcome> {
    return this.requests(address);
  }
}
