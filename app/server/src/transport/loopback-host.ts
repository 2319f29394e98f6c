import type { IncomingMessage } from 'node:http';

const LOOPBACK_BIND = /^(127\.\d+\.\d+\.\d+|localhost|::1)$/;
const LOOPBACK_HOST = /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?$/i;

/**
 * A server bound to loopback (the `npm start` default) answers only requests addressed to a loopback name. A web page
 * can point its own domain at 127.0.0.1 (DNS rebinding) and then talk to the local chat as "same origin"; its
 * requests still carry that domain in Host, which is how they are told apart.
 */
export function hostAllowed(bindHost: string, req: Pick<IncomingMessage, 'headers'>): boolean {
  if (!LOOPBACK_BIND.test(bindHost)) return true;
  return LOOPBACK_HOST.test(req.headers.host ?? '');
}
