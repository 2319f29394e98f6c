/**
 * The smoke test against the real chat server in embedded mode: as a function, and as the compiled
 * CLI the Deploy workflow runs (`npm run build -w release` then `node release/dist/smoke.js <url>`).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
// The source, like @chat/protocol in tests: no build of the server needed to test against it.
import { startServer } from '../../app/server/src';
import { endpoint, runSmoke } from '../smoke';
import { REPO_ROOT, build } from './tools';

const run = promisify(execFile);

let server: Awaited<ReturnType<typeof startServer>>;
let dataDir: string;

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'chat-smoke-test-'));
  // Only what embedded mode needs: no AWS settings leak in from the environment.
  server = await startServer({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'warn' });
});

afterAll(async () => {
  await server?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

test('endpoint() keeps a base path prefix', () => {
  expect(endpoint('https://chat.example.com', '/history').href).toBe('https://chat.example.com/history');
  expect(endpoint('https://example.com/api/', '/socket.io').href).toBe('https://example.com/api/socket.io');
});

test('a message goes out, comes back as newMessage, and is in /history', async () => {
  const lines: string[] = [];
  const result = await runSmoke(server.url, { room: 'smoke-test', label: 'jest', log: (l) => lines.push(l) });
  expect(result.room).toBe('smoke-test');
  expect(result.seq).toMatch(/^[0-9]+$/);
  expect(lines.join('\n')).toContain('history has');

  // Seen independently of the smoke code: the message is in the room's history, once.
  const res = await fetch(`${server.url}/history?room=smoke-test&limit=50`);
  const body = (await res.json()) as { messages: { id: string; author: string }[] };
  expect(body.messages.filter((m) => m.id === result.id)).toEqual([expect.objectContaining({ author: 'deploy-smoke' })]);
}, 60_000);

describe('the CLI the workflow runs', () => {
  const cli = path.join(REPO_ROOT, 'release/dist/smoke.js');

  beforeAll(() => build('release/tsconfig.json'), 120_000);

  test('passes against the chat server and prints the result', async () => {
    const { stdout } = await run(process.execPath, [cli, server.url, '--timeout', '20000']);
    expect(JSON.parse(stdout)).toMatchObject({ url: server.url, room: 'smoke' });
  }, 60_000);

  test('fails (exit 1) against something that is not the chat server', async () => {
    const impostor = http.createServer((req, res) => {
      res.statusCode = req.url === '/healthz' ? 200 : 404;
      res.end();
    });
    await new Promise<void>((r) => impostor.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(impostor.address() as AddressInfo).port}`;
    try {
      await expect(run(process.execPath, [cli, url, '--timeout', '5000'])).rejects.toMatchObject({
        code: 1,
        stderr: expect.stringContaining('smoke: FAILED'),
      });
    } finally {
      impostor.close();
    }
  }, 60_000);

  test('fails (exit 1) when nothing listens', async () => {
    await expect(run(process.execPath, [cli, 'http://127.0.0.1:9', '--timeout', '3000'])).rejects.toMatchObject({ code: 1 });
  }, 60_000);
});
