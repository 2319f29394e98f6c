import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer, type RunningServer } from '../../src';
import { createResources, startMoto, type Moto } from './moto';

export type Mode = 'embedded' | 'moto';

/**
 * The backends a test file runs against: embedded (a temp DATA_DIR) or moto (one moto server per file, fresh
 * resources per test). `env()` gives a new, empty chat; `start(env)` a real server on a free port.
 */
export class TestBackend {
  moto: Moto | undefined;
  private dirs: string[] = [];
  private servers = new Set<RunningServer>();
  private counter = 0;

  constructor(readonly mode: Mode) {}

  async setup(): Promise<void> {
    // Atomic DynamoDB, as the real one is: moto alone checks a condition and writes without a lock (see startMoto).
    if (this.mode === 'moto') this.moto = await startMoto({ atomicDynamo: true });
  }

  async env(extra: Record<string, string> = {}): Promise<Record<string, string>> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chat-test-'));
    this.dirs.push(dir);
    const base: Record<string, string> = {
      PORT: '0',
      LOG_LEVEL: process.env['TEST_LOG_LEVEL'] ?? 'silent',
      DATA_DIR: dir, // moto answers one request at a time (about 200 messages/s here): give its bursts time; the outage test sets its own.
      BACKEND_TIMEOUT_MS: this.mode === 'moto' ? '60000' : '3000',
      // Every test client shares one loopback address: the per-address limits (abuse.test.ts) would see one
      // client with dozens of sockets. Per-socket limits keep their defaults.
      SOCKETS_PER_ADDRESS: '10000',
      CONNECTIONS_PER_MINUTE: '1000000',
      ADDRESS_RATE_LIMIT_POINTS: '1000000',
    };
    if (this.mode === 'moto') {
      const name = `chat-${process.pid}-${Date.now()}-${this.counter++}`;
      Object.assign(base, await createResources(this.moto!.endpoint, name));
    }
    return { ...base, ...extra };
  }

  async start(env: Record<string, string>): Promise<RunningServer> {
    const server = await startServer(env);
    this.servers.add(server);
    const close = server.close;
    server.close = async () => {
      this.servers.delete(server);
      await close();
    };
    return server;
  }

  async teardown(): Promise<void> {
    await Promise.all([...this.servers].map((s) => s.close()));
    await this.moto?.stop();
    for (const d of this.dirs) fs.rmSync(d, { recursive: true, force: true });
  }
}

export const MODES: Mode[] = ['embedded', 'moto'];
