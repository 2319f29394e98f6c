import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer } from '@chat/server';

export const WEB_DIR = path.resolve(__dirname, '../../dist/browser');

export type ChatServer = Awaited<ReturnType<typeof startServer>>;

export function tempDataDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'chat-web-e2e-'));
}

/** The real server in embedded mode, in this process. `port` reuses a port (a restart); 0 picks a free one. */
export function startChat(dataDir: string, port = 0, env: Record<string, string> = {}): Promise<ChatServer> {
  return startServer({
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    WEB_DIR,
    LOG_LEVEL: process.env['E2E_LOG_LEVEL'] ?? 'warn',
    // Tests type fast, and every browser context comes from one address (loopback): lift the per-socket and the
    // per-address limits (the limits themselves are the server's own tests' business). With only the per-socket one
    // lifted, 70 messages sent in under 10 s hit the 60-per-address limit and the last ones failed as rate_limited.
    RATE_LIMIT_POINTS: '1000',
    ADDRESS_RATE_LIMIT_POINTS: '100000',
    SOCKETS_PER_ADDRESS: '10000',
    CONNECTIONS_PER_MINUTE: '100000',
    JOINS_PER_MINUTE: '10000',
    ADDRESS_JOINS_PER_MINUTE: '100000',
    ADDRESS_TYPING_POINTS: '100000',
    ADDRESS_PRESENCE_POINTS: '100000',
    HISTORY_REQUESTS_PER_MINUTE: '100000',
    ...env,
  });
}
