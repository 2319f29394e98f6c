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
    // Tests type fast; the limit itself is the server's own tests' business.
    RATE_LIMIT_POINTS: '1000',
    ...env,
  });
}
