import net from 'node:net';
import type { Config } from '../config';
import { addressKey } from '../limits/address-key';
import { memoryLimiters, type LimitOutcome, type Limiters } from '../limits/limiter';

export type { LimitOutcome } from '../limits/limiter';

/**
 * `points` per `durationSeconds` per key (a socket id), in this process: the building block of the per-socket
 * limits. Per-address ones belong in AddressLimits, which keys them by addressKey and shares them between servers.
 */
export function keyedLimit(points: number, durationSeconds: number): (key: string) => Promise<LimitOutcome> {
  const limit = memoryLimiters.make('socket', points, durationSeconds);
  return (key) => limit.take(key);
}

/** Addresses and CIDRs (`ABUSE_EXEMPT_ADDRESSES`) no per-address limit applies to. */
export function exemptList(entries: string[]): (address: string) => boolean {
  if (entries.length === 0) return () => false;
  const list = new net.BlockList();
  for (const e of entries) {
    const [ip, bits] = e.split('/') as [string, string | undefined];
    const type = net.isIP(ip) === 6 ? 'ipv6' : 'ipv4';
    if (bits === undefined) list.addAddress(ip, type);
    else list.addSubnet(ip, Number(bits), type);
  }
  return (address) => {
    const type = net.isIP(address);
    return type !== 0 && list.check(address, type === 6 ? 'ipv6' : 'ipv4');
  };
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
  readonly exempt: (address: string) => boolean;

  constructor(
    private readonly config: Pick<Config, 'abuse' | 'rateLimit' | 'httpRateLimitPerMinute'>,
    readonly limiters: Limiters = memoryLimiters,
  ) {
    this.exempt = exemptList(config.abuse.exempt);
    this.messages = this.perAddress('messages', config.abuse.addressMessagePoints, config.rateLimit.windowSeconds);
    this.uploadUrls = this.perAddress('upload-urls', config.abuse.uploadUrlsPerHour, 3600);
    this.histories = this.perAddress('history', config.abuse.historyPerMinute, 60);
    this.requests = this.perAddress('http', config.httpRateLimitPerMinute, 60);
  }

  /**
   * A limit per address under `name` in the shared store. Exempt addresses pass, unless `exemptable` is false (a
   * limit that slows down guessing a secret applies to everyone).
   */
  perAddress(name: string, points: number, durationSeconds: number, exemptable = true): (address: string) => Promise<LimitOutcome> {
    const limit = this.limiters.make(name, points, durationSeconds);
    return (address) => (exemptable && this.exempt(address) ? Promise.resolve({ ok: true }) : limit.take(addressKey(address)));
  }

  /** Admit one more socket from `address`, or say why not. `release` when it disconnects (idempotent). */
  admitSocket(address: string): { ok: true; release: () => void } | { ok: false; reason: string } {
    const max = this.config.abuse.socketsPerAddress;
    if (this.socketsFrom(address) >= max && !this.exempt(address)) return { ok: false, reason: `at most ${max} connections per address` };
    return { ok: true, release: this.readmitSocket(address) };
  }

  /** Count a socket that held a slot before (a recovered session) without refusing it; returns its release. */
  readmitSocket(address: string): () => void {
    this.sockets.set(address, this.socketsFrom(address) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = this.socketsFrom(address) - 1;
      if (left <= 0) this.sockets.delete(address);
      else this.sockets.set(address, left);
    };
  }

  /** Sockets open from `address` (for tests and metrics). */
  socketsFrom(address: string): number {
    return this.sockets.get(address) ?? 0;
  }

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
