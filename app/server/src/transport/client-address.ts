import type { IncomingMessage } from 'node:http';

/** `::ffff:127.0.0.1` and `127.0.0.1` are one client. */
export function normalizeAddress(address: string): string {
  const a = address.trim();
  return a.toLowerCase().startsWith('::ffff:') && a.includes('.') ? a.slice(7) : a;
}

/**
 * The client's address, the one every per-address limit keys on, for HTTP requests and socket handshakes alike.
 * With `trustProxy` hops (CloudFront, a load balancer) in front, it is the X-Forwarded-For entry that many hops
 * from the right, as Express's numeric `trust proxy` reads it; entries further left are the client's own claim
 * and never trusted.
 */
export function clientAddress(req: Pick<IncomingMessage, 'headers' | 'socket'>, trustProxy: number): string {
  const peer = normalizeAddress(req.socket.remoteAddress ?? 'unknown');
  if (trustProxy === 0) return peer;
  const header = req.headers['x-forwarded-for'];
  const forwarded = (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map((a) => a.trim())
    .filter(Boolean);
  // Nearest first: the peer, then X-Forwarded-For right to left.
  const chain = [peer, ...forwarded.reverse().map(normalizeAddress)];
  return chain[Math.min(trustProxy, chain.length - 1)]!;
}

/** A request that reached this process straight from this host: loopback peer, and no proxy in between. */
export function fromLoopback(req: Pick<IncomingMessage, 'headers' | 'socket'>): boolean {
  const peer = normalizeAddress(req.socket.remoteAddress ?? '');
  const loopback = peer === '::1' || /^127\./.test(peer);
  return loopback && req.headers['x-forwarded-for'] === undefined && req.headers['forwarded'] === undefined;
}
