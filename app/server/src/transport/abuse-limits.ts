import net from 'node:net';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { Config } from '../config';

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
 * Limits per client address, on top of the per-socket ones: a client opening hundreds of sockets must not get
 * hundreds of times the message rate, since every message costs an SQS send and a DynamoDB write. Counted per
 * server process (several servers each allow this much).
 */
export class AddressLimits {
  private readonly sockets = new Map<string, number>();
  private readonly messages: (address: string) => Promise<LimitOutcome>;
  private readonly uploadUrls: (address: string) => Promise<LimitOutcome>;
  readonly exempt: (address: string) => boolean;

  constructor(private readonly config: Pick<Config, 'abuse' | 'rateLimit'>) {
    this.exempt = exemptList(config.abuse.exempt);
    this.messages = keyedLimit(config.abuse.addressMessagePoints, config.rateLimit.windowSeconds);
    this.uploadUrls = keyedLimit(config.abuse.uploadUrlsPerHour, 3600);
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
    return this.exempt(address) ? Promise.resolve({ ok: true }) : this.messages(address);
  }

  uploadUrl(address: string): Promise<LimitOutcome> {
    return this.exempt(address) ? Promise.resolve({ ok: true }) : this.uploadUrls(address);
  }
}
