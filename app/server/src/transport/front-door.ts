import type { IncomingMessage } from 'node:http';
import { carriesOriginSecret, fromLoopback, fromTrustedProxy, type ProxyTrust } from './client-address';

/** What the load balancer's health checks ask for; they cannot add headers. */
const HEALTH_PATHS = new Set(['/healthz', '/readyz']);

/**
 * With ORIGIN_SECRET set, only CloudFront's requests (carrying the secret) come in: anything else reached the server
 * around the front door, and gets 403. Exceptions: this host itself (release.sh's /readyz, the CloudWatch agent's
 * /metrics) and the load balancer's health checks. The same gate for HTTP requests and socket handshakes.
 */
export function throughFrontDoor(req: Pick<IncomingMessage, 'headers' | 'socket' | 'method' | 'url'>, trust: ProxyTrust): boolean {
  if (trust.originSecrets.length === 0) return true;
  if (carriesOriginSecret(req, trust.originSecrets) || fromLoopback(req)) return true;
  const path = (req.url ?? '').split('?')[0] ?? '';
  return (req.method === 'GET' || req.method === 'HEAD') && HEALTH_PATHS.has(path) && fromTrustedProxy(req, trust);
}
