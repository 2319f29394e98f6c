import http from 'node:http';
import { ChatClient } from './chat-client';

/**
 * A client at another loopback address (127.0.0.2, 127.0.0.3, …: Linux routes all of 127.0.0.0/8 to this host), so a
 * test can be several clients, a proxy among them, whose peer addresses the server tells apart.
 */
export function getFrom(
  url: string,
  localAddress: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { localAddress, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch {
          // not JSON: the text itself
        }
        resolve({ status: res.statusCode ?? 0, body });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.setTimeout(15_000, () => req.destroy(new Error(`GET ${url} from ${localAddress}: no answer in 15 s`)));
  });
}

/** A socket from `localAddress`: connected, or refused with the error connect_error gave. */
export function socketFrom(
  url: string,
  localAddress: string,
  opts: { headers?: Record<string, string>; auth?: Record<string, unknown> } = {},
): Promise<{ client?: ChatClient; refusal?: { message: string; data?: unknown } }> {
  return new Promise((resolve) => {
    const c = new ChatClient(url, { extraHeaders: opts.headers ?? {}, localAddress, ...(opts.auth ? { auth: opts.auth } : {}) });
    c.socket.once('connect', () => resolve({ client: c }));
    c.socket.once('connect_error', (err: Error & { data?: unknown }) => {
      c.close();
      resolve({ refusal: { message: err.message, data: err.data } });
    });
  });
}
