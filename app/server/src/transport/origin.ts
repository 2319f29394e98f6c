import type { IncomingMessage } from 'node:http';

/**
 * Which browser pages may open a socket: the server's own origin and the configured ones. Browsers do not apply
 * CORS to WebSockets, so without this any site a user visits could open a chat socket in their name. Clients that
 * are not browsers send no Origin and are let through (they can forge one anyway).
 */
export function originAllowed(req: IncomingMessage, allowed: string[]): boolean {
  const origin = req.headers.origin;
  if (!origin) return true;
  if (allowed.includes(origin)) return true;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}
