/**
 * The smoke test against the real chat server in embedded mode, open and signed in (with the loopback OpenID Connect
 * provider): as a function, and as the compiled CLI the Deploy workflow runs (`npm run build -w release` then
 * `node release/dist/smoke.js <url>`).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
// The source, like @chat/protocol in tests: no build of the server needed to test against it.
import { startServer } from '../../app/server/src';
import { startOidcProvider, type OidcProvider } from '@chat/local-aws';
import { NO_TOKEN_SKIP, endpoint, runSmoke, type RoundTripResult } from '../smoke';
import { REPO_ROOT, build } from './tools';

const run = promisify(execFile);

let server: Awaited<ReturnType<typeof startServer>>;
let signedIn: Awaited<ReturnType<typeof startServer>>;
let provider: OidcProvider;
let dataDir: string;

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'chat-smoke-test-'));
  provider = await startOidcProvider();
  // Only what embedded mode needs: no AWS settings leak in from the environment.
  const embedded = (dir: string) => ({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: path.join(dataDir, dir), LOG_LEVEL: 'warn' });
  server = await startServer(embedded('open'));
  signedIn = await startServer({
    ...embedded('signed-in'),
    AUTH_MODE: 'signed-in',
    AUTH_ISSUER: provider.issuer,
    AUTH_AUDIENCE: provider.clientId,
  });
});

afterAll(async () => {
  await server?.close();
  await signedIn?.close();
  await provider?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

/** What a `/config.json` carries besides `auth`. */
const WEB_CONFIG = { apiUrl: '', maxUploadBytes: 1024, imageTypes: ['image/png'], protocolVersion: 1 };

/** A plain HTTP server answering `routes` (path → JSON body, 200) and 404 for anything else; its URL. */
async function fakeServer(routes: (url: string) => Record<string, unknown>): Promise<{ url: string; close: () => void }> {
  let url = '';
  const fake = http.createServer((req, res) => {
    const body = routes(url)[req.url ?? ''];
    res.statusCode = body === undefined ? 404 : 200;
    res.setHeader('content-type', 'application/json');
    res.end(body === undefined ? '' : JSON.stringify(body));
  });
  await new Promise<void>((r) => fake.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(fake.address() as AddressInfo).port}`;
  return { url, close: () => fake.close() };
}

test('endpoint() keeps a base path prefix', () => {
  expect(endpoint('https://chat.example.com', '/history').href).toBe('https://chat.example.com/history');
  expect(endpoint('https://example.com/api/', '/socket.io').href).toBe('https://example.com/api/socket.io');
});

test('a message goes out, comes back as newMessage, and is in /history', async () => {
  const lines: string[] = [];
  const result = (await runSmoke(server.url, { room: 'smoke-test', label: 'jest', log: (l) => lines.push(l) })) as RoundTripResult;
  expect(result).toMatchObject({ mode: 'open', roundTrip: 'done' });
  expect(result.room).toBe('smoke-test');
  expect(result.seq).toMatch(/^[0-9]+$/);
  expect(lines.join('\n')).toContain('history has');

  // Seen independently of the smoke code: the message is in the room's history, once.
  const res = await fetch(`${server.url}/history?room=smoke-test&limit=50`);
  const body = (await res.json()) as { messages: { id: string; author: string }[] };
  expect(body.messages.filter((m) => m.id === result.id)).toEqual([expect.objectContaining({ author: 'deploy-smoke' })]);
}, 60_000);

describe('against a signed-in deployment', () => {
  test('without a token: healthz, the issuer, both refusals proven; the round trip skipped, saying why', async () => {
    const lines: string[] = [];
    const result = await runSmoke(signedIn.url, { room: 'smoke-test', log: (l) => lines.push(l) });
    expect(result).toEqual({ url: signedIn.url, mode: 'signed-in', issuer: provider.issuer, roundTrip: 'skipped', reason: NO_TOKEN_SKIP });
    expect(lines).toEqual([
      'healthz ok',
      `config.json: signed-in with issuer ${provider.issuer}`,
      `issuer's discovery document names ${provider.issuer}`,
      'socket without a token refused: unauthorized',
      '/history without a token: 401',
      NO_TOKEN_SKIP,
    ]);
  });

  test('with a token: the full round trip, signed in, the author taken from the token', async () => {
    const token = await provider.mint(provider.user('carol'));
    const result = (await runSmoke(signedIn.url, { room: 'smoke-test', token })) as RoundTripResult;
    expect(result).toMatchObject({ mode: 'signed-in', roundTrip: 'done', room: 'smoke-test' });
    const res = await fetch(`${signedIn.url}/history?room=smoke-test&limit=50`, { headers: { authorization: `Bearer ${token}` } });
    const body = (await res.json()) as { messages: { id: string; author: string }[] };
    expect(body.messages.filter((m) => m.id === result.id)).toEqual([expect.objectContaining({ author: 'Carol' })]);
  });

  test('a token the server refuses fails the smoke with the refusal', async () => {
    const expired = await provider.mint(provider.user('carol'), { expiresIn: -60 });
    await expect(runSmoke(signedIn.url, { token: expired, timeoutMs: 10_000 })).rejects.toThrow(
      /Socket.IO connect failed: .*\(unauthorized\)/,
    );
  });

  test("fails when the issuer's discovery names another issuer", async () => {
    const fake = await fakeServer((url) => ({
      '/healthz': {},
      '/config.json': { ...WEB_CONFIG, auth: { mode: 'signed-in', issuer: url, clientId: 'x' } },
      '/.well-known/openid-configuration': { issuer: 'https://elsewhere.example' },
    }));
    try {
      await expect(runSmoke(fake.url, { timeoutMs: 5000 })).rejects.toThrow(/names issuer "https:\/\/elsewhere.example"/);
    } finally {
      fake.close();
    }
  });

  test('fails when the socket is not refused unauthorized (here: no Socket.IO at all)', async () => {
    const fake = await fakeServer(() => ({
      '/healthz': {},
      '/config.json': { ...WEB_CONFIG, auth: { mode: 'signed-in', issuer: provider.issuer, clientId: 'x' } },
    }));
    try {
      await expect(runSmoke(fake.url, { timeoutMs: 5000 })).rejects.toThrow(/Socket.IO connect failed/);
    } finally {
      fake.close();
    }
  });
});

describe('the CLI the workflow runs', () => {
  const cli = path.join(REPO_ROOT, 'release/dist/smoke.js');

  beforeAll(() => build('release/tsconfig.json'), 120_000);

  test('passes against the chat server and prints the result', async () => {
    const { stdout } = await run(process.execPath, [cli, server.url, '--timeout', '20000']);
    expect(JSON.parse(stdout)).toMatchObject({ url: server.url, room: 'smoke' });
  }, 60_000);

  test('against a signed-in deployment without a token: exit 0, and it says the round trip was skipped', async () => {
    const { stdout, stderr } = await run(process.execPath, [cli, signedIn.url], { env: { ...process.env, SMOKE_TOKEN: '' } });
    expect(JSON.parse(stdout)).toMatchObject({ mode: 'signed-in', roundTrip: 'skipped', issuer: provider.issuer });
    expect(stderr).toContain('smoke: send/receive round trip skipped');
  }, 60_000);

  test('against a signed-in deployment with --token-file or SMOKE_TOKEN: the round trip', async () => {
    const token = await provider.mint(provider.user('carol'));
    const file = path.join(dataDir, 'token');
    writeFileSync(file, `${token}\n`, { mode: 0o600 });
    const fromFile = await run(process.execPath, [cli, signedIn.url, '--token-file', file]);
    expect(JSON.parse(fromFile.stdout)).toMatchObject({ mode: 'signed-in', roundTrip: 'done' });
    const fromEnv = await run(process.execPath, [cli, signedIn.url], { env: { ...process.env, SMOKE_TOKEN: token } });
    expect(JSON.parse(fromEnv.stdout)).toMatchObject({ mode: 'signed-in', roundTrip: 'done' });
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
