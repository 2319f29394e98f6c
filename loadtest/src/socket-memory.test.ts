/** The idle-socket memory probe against the real floor server in a child process (memory, never time). */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { LOADTEST_DIR } from './paths';
import { startChildServer } from './servers';
import { measureSocketMemory } from './socket-memory';

let dir: string;
beforeAll(() => {
  // The child runs the built serve.js.
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-b', join(LOADTEST_DIR, 'tsconfig.json')], { stdio: 'inherit' });
  dir = mkdtempSync(join(os.tmpdir(), 'socket-memory-test-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('connects N idle sockets and reads the server heap they hold after a full GC', async () => {
  const server = await startChildServer('floor', {}, join(dir, 'floor.log'), undefined, ['--expose-gc']);
  try {
    const r = await measureSocketMemory('floor', server, 100);
    expect(r.sockets).toBe(100);
    // 100 sockets hold hundreds of KB of heap; GC noise is far below that.
    expect(r.heapUsed).toBeGreaterThan(1024);
    expect(Number.isFinite(r.rss)).toBe(true);
  } finally {
    await server.stop();
  }
});
