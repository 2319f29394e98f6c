/** `npm start` and the server's own entry point with their port taken: one line naming the port and the fix. */
import { spawnSync } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
let busy: net.Server;
let port: number;

beforeAll(async () => {
  busy = net.createServer();
  await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
  port = (busy.address() as net.AddressInfo).port;
});
afterAll(() => new Promise((resolve) => busy.close(resolve)));

const runNode = (script: string) =>
  spawnSync(process.execPath, [script], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn' },
    encoding: 'utf8',
    timeout: 30_000,
  });

test('npm start says so before it installs or builds anything', () => {
  const r = runNode('scripts/start.mjs');
  expect(r.status).toBe(1);
  expect(r.stdout).toBe('');
  expect(r.stderr.trimEnd().split('\n')).toEqual([
    expect.stringMatching(
      new RegExp(`^port ${port} on 127\\.0\\.0\\.1 is already in use by another process — .*lsof -i :${port}.*PORT=\\d+ npm start$`),
    ),
  ]);
});

test('the server itself (node app/server/dist/main.js) answers the same way, without a stack trace', () => {
  const r = runNode('app/server/dist/main.js');
  expect(r.status).toBe(1);
  expect(r.stderr.trimEnd().split('\n')).toEqual([
    expect.stringMatching(new RegExp(`^Port ${port} on 127\\.0\\.0\\.1 is already in use by another process — .*PORT=`)),
  ]);
});
