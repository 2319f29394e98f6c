import net from 'node:net';
import type { IncomingMessage } from 'node:http';
import { ORIGIN_SECRET_HEADER } from '../edge';
import { tokenMatches } from '../util/token-matches';

type Request = Pick<IncomingMessage, 'headers' | 'socket'>;

/** Who may speak for the client (config.ts: TRUST_PROXY, TRUSTED_PROXIES, ORIGIN_SECRET). */
export interface ProxyTrust {
  /** Hop count, read only when neither of the two below is set. */
  trustProxy: number;
  /** CIDRs of the proxies whose X-Forwarded-For counts. */
  trustedProxies: string[];
  /** CloudFront's X-Origin-Secret values: a request carrying one came through the deployment's distribution. */
  originSecrets: string[];
}

/** `::ffff:127.0.0.1` and `127.0.0.1` are one client. */
export function normalizeAddress(address: string): string {
  const a = address.trim();
  return a.toLowerCase().startsWith('::ffff:') && a.includes('.') ? a.slice(7) : a;
}

/** Membership in a list of addresses and CIDRs (validated by config.ts). */
export function addressMatcher(entries: string[]): (address: string) => boolean {
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

// Settings never change while the process runs: one matcher per list.
const matchers = new WeakMap<string[], (address: string) => boolean>();
const matcherOf = (entries: string[]) => {
  let m = matchers.get(entries);
  if (!m) matchers.set(entries, (m = addressMatcher(entries)));
  return m;
};

const peerOf = (req: Request) => normalizeAddress(req.socket.remoteAddress ?? 'unknown');

/** The request carries X-Origin-Secret equal to one of `secrets` (compared in constant time, whatever the lengths). */
export function carriesOriginSecret(req: Pick<IncomingMessage, 'headers'>, secrets: string[]): boolean {
  const given = req.headers[ORIGIN_SECRET_HEADER];
  if (typeof given !== 'string' || secrets.length === 0) return false;
  // Every value is compared, so the time says nothing about which one matched.
  return secrets.map((s) => tokenMatches(given, s)).includes(true);
}

/** The direct peer is one of the proxies the deployment trusts (the load balancer). */
export function fromTrustedProxy(req: Request, trust: Pick<ProxyTrust, 'trustedProxies'>): boolean {
  return matcherOf(trust.trustedProxies)(peerOf(req));
}

/**
 * The client's address, the one every per-address limit keys on, for HTTP requests and socket handshakes alike.
 * X-Forwarded-For counts only as far as proxies the deployment trusts wrote it: from the peer, walk the chain right
 * to left past every address in `trustedProxies`; then, if the request carries a valid origin secret (it came
 * through CloudFront, which appended the viewer's address), one entry more. Entries further left are the client's
 * own claim and never trusted. Without either setting, the legacy `trustProxy` hop count applies.
 */
export function clientAddress(req: Request, trust: ProxyTrust): string {
  const peer = peerOf(req);
  const header = req.headers['x-forwarded-for'];
  const forwarded = (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map((a) => a.trim())
    .filter(Boolean);
  // Nearest first: the peer, then X-Forwarded-For right to left.
  const chain = [peer, ...forwarded.reverse().map(normalizeAddress)];
  if (trust.trustedProxies.length === 0 && trust.originSecrets.length === 0) {
    return chain[Math.min(trust.trustProxy, chain.length - 1)]!;
  }
  const trusted = matcherOf(trust.trustedProxies);
  // A step is taken only onto a well-formed address: what a proxy writes always is.
  const canStep = (i: number) => i + 1 < chain.length && net.isIP(chain[i + 1]!) !== 0;
  let i = 0;
  while (trusted(chain[i]!) && canStep(i)) i++;
  if (canStep(i) && carriesOriginSecret(req, trust.originSecrets)) i++;
  return chain[i]!;
}

/** A request that reached this process straight from this host: loopback peer, and no proxy in between. */
export function fromLoopback(req: Request): boolean {
  const peer = peerOf(req);
  const loopback = peer === '::1' || /^127\./.test(peer);
  return loopback && req.headers['x-forwarded-for'] === undefined && req.headers['forwarded'] === undefined;
}
