import net from 'node:net';

/** Loopback names and addresses: the only places an issuer may be reached over plain HTTP (tests, local runs). */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (net.isIPv4(host)) return host.startsWith('127.');
  return host === '::1';
}

/**
 * An issuer, discovery or key-set URL: `https://`, or `http://` on loopback. Anything else would let whoever sits on
 * the path hand the server keys of their own.
 */
export function secureUrl(value: string, what: string): URL {
  const url = URL.parse(value);
  if (!url) throw new Error(`${what} must be a URL, got "${value}"`);
  if (url.protocol === 'https:') return url;
  if (url.protocol === 'http:' && isLoopbackHost(url.hostname)) return url;
  throw new Error(`${what} must use https:// (http:// only on loopback), got "${value}"`);
}
