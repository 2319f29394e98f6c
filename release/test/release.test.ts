/**
 * release.sh run for real: a temporary CHAT_HOME, bundles made here, and a real HTTP server process
 * (started by fixtures/restart-service.sh the way systemd starts the chat server) answering /readyz.
 */
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '@chat/local-aws';

const RELEASE_SH = path.resolve(__dirname, '../release.sh');
const RESTART = path.resolve(__dirname, 'fixtures/restart-service.sh');

type Behaviour = 'ready' | 'unready' | 'crash';

/** The stand-in server: serves its release name, and /readyz per its behaviour. */
const FAKE_MAIN = `
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');
const { sha, behaviour } = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', '..', 'release.json'), 'utf8'));
if (behaviour === 'crash') { console.error('crashing on start'); process.exit(1); }
const server = http.createServer((req, res) => {
  if (req.url === '/readyz') { res.statusCode = behaviour === 'ready' ? 200 : 503; return res.end(); }
  if (req.url === '/release') return res.end(sha);
  res.statusCode = 404; res.end();
});
server.listen(Number(process.env.PORT), '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
`;

let work: string;
let home: string;
let bundles: string;
let port: number;
let bundleServer: http.Server;
let bundleBase: string;

function makeBundle(sha: string, behaviour: Behaviour): string {
  const tree = path.join(work, 'trees', sha);
  mkdirSync(path.join(tree, 'app/server/dist'), { recursive: true });
  writeFileSync(path.join(tree, 'app/server/dist/main.js'), FAKE_MAIN);
  writeFileSync(path.join(tree, 'release.json'), JSON.stringify({ sha, behaviour }));
  const file = path.join(bundles, `${sha}.tgz`);
  execFileSync('tar', ['-czf', file, '-C', tree, 'release.json', 'app']);
  return file;
}

interface Run {
  code: number | null;
  output: string;
}

/** The SHA-256 recorded with a release: of the bundle file (served by URL from the bundles directory). */
function digestOf(bundle: string): string {
  const file = bundle.startsWith('http') ? path.join(bundles, path.basename(bundle)) : bundle;
  return existsSync(file) ? createHash('sha256').update(readFileSync(file)).digest('hex') : '0'.repeat(64);
}

function release(sha: string, bundle: string, env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [RELEASE_SH, sha], {
      env: {
        ...process.env,
        CHAT_HOME: home,
        CHAT_BUNDLE: bundle,
        CHAT_BUNDLE_SHA256: digestOf(bundle),
        CHAT_RESTART_CMD: `bash ${RESTART}`,
        CHAT_READY_URL: `http://127.0.0.1:${port}/readyz`,
        CHAT_READY_TIMEOUT: '4',
        CHAT_KEEP_RELEASES: '3',
        PORT: String(port),
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

async function serving(): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${port}/release`, { signal: AbortSignal.timeout(3000) });
  return res.text();
}

const current = (): string => readlinkSync(path.join(home, 'current'));
const releaseDirs = (): string[] =>
  readdirSync(path.join(home, 'releases'))
    .filter((n) => !n.startsWith('.'))
    .sort();
const servicePid = (): string => readFileSync(path.join(home, 'service.pid'), 'utf8').trim();

const A = 'aaaaaaa1';
const B = 'bbbbbbb2';
const C = 'ccccccc3';
const D = 'ddddddd4';
const E = 'eeeeeee5';
const F = 'fffffff6';
const G = 'abcdef07';

beforeAll(async () => {
  work = mkdtempSync(path.join(os.tmpdir(), 'chat-release-test-'));
  home = path.join(work, 'opt-chat');
  bundles = path.join(work, 'bundles');
  mkdirSync(bundles, { recursive: true });
  port = await freePort();
  // Serves the bundles over HTTP, to fetch them by URL like the instance fetches from S3.
  bundleServer = http.createServer((req, res) => {
    const file = path.join(bundles, path.basename(req.url ?? ''));
    if (!existsSync(file)) {
      res.statusCode = 404;
      return res.end();
    }
    res.end(readFileSync(file));
  });
  await new Promise<void>((r) => bundleServer.listen(0, '127.0.0.1', r));
  bundleBase = `http://127.0.0.1:${(bundleServer.address() as AddressInfo).port}`;
});

afterAll(async () => {
  try {
    process.kill(Number(servicePid()), 'SIGTERM');
  } catch {
    // already stopped
  }
  await new Promise((r) => bundleServer.close(r));
  rmSync(work, { recursive: true, force: true });
});

describe('release.sh', () => {
  test('refuses a malformed sha and touches nothing', async () => {
    const run = await release('not-a-sha; rm -rf /', makeBundle(A, 'ready'));
    expect(run.code).toBe(1);
    expect(run.output).toContain('usage');
    expect(existsSync(path.join(home, 'current'))).toBe(false);
  }, 90_000);

  test('a first release unpacks, switches and passes its health check', async () => {
    const run = await release(A, makeBundle(A, 'ready'));
    expect(run.output).toContain(`released ${A}`);
    expect(run.code).toBe(0);
    expect(current()).toBe(`releases/${A}`);
    expect(await serving()).toBe(A);
  }, 90_000);

  test('a good release fetched by URL replaces the running one', async () => {
    makeBundle(B, 'ready');
    const before = servicePid();
    const run = await release(B, `${bundleBase}/${B}.tgz`);
    expect(run.code).toBe(0);
    expect(current()).toBe(`releases/${B}`);
    expect(servicePid()).not.toBe(before);
    expect(await serving()).toBe(B);
    expect(releaseDirs()).toEqual([A, B]);
  }, 90_000);

  test('a bundle that cannot be fetched changes nothing', async () => {
    const run = await release(C, `${bundleBase}/missing.tgz`);
    expect(run.code).toBe(1);
    expect(run.output).toContain('could not fetch');
    expect(current()).toBe(`releases/${B}`);
    expect(await serving()).toBe(B);
    expect(readdirSync(path.join(home, 'releases'))).toEqual([A, B]);
  }, 90_000);

  test('a bundle that does not match its recorded SHA-256 is not unpacked, and nothing changes', async () => {
    const genuine = makeBundle(C, 'ready');
    const recorded = digestOf(genuine);
    // Someone with write access to the bucket replaced the bundle after it was recorded.
    const tampered = path.join(work, 'tampered.tgz');
    execFileSync('cp', [makeBundle(D, 'ready'), tampered]);
    const run = await release(C, tampered, { CHAT_BUNDLE_SHA256: recorded });
    expect(run.code).toBe(1);
    expect(run.output).toContain(`does not match its recorded SHA-256 ${recorded}`);
    expect(current()).toBe(`releases/${B}`);
    expect(await serving()).toBe(B);
    expect(releaseDirs()).toEqual([A, B]);
    // Without a digest at all, release.sh refuses before fetching anything.
    const none = await release(C, genuine, { CHAT_BUNDLE_SHA256: '' });
    expect(none.code).toBe(1);
    expect(none.output).toContain('set CHAT_BUNDLE_SHA256');
    expect(none.output).not.toContain('fetching');
  }, 90_000);

  test('a release that never gets ready is rolled back and the previous one serves again', async () => {
    const run = await release(C, makeBundle(C, 'unready'));
    expect(run.output).toContain(`rolling back to ${B}`);
    expect(run.code).toBe(2);
    expect(current()).toBe(`releases/${B}`);
    expect(await serving()).toBe(B);
    expect(releaseDirs()).toEqual([A, B]);
  }, 90_000);

  test('a release that crashes on start is rolled back too', async () => {
    const run = await release(D, makeBundle(D, 'crash'));
    expect(run.code).toBe(2);
    expect(current()).toBe(`releases/${B}`);
    expect(await serving()).toBe(B);
  }, 90_000);

  test('old releases are pruned to the newest N, keeping the current and previous ones', async () => {
    for (const sha of [E, F, G]) {
      const run = await release(sha, makeBundle(sha, 'ready'));
      expect(run.code).toBe(0);
    }
    expect(current()).toBe(`releases/${G}`);
    expect(await serving()).toBe(G);
    expect(releaseDirs()).toEqual([E, F, G].sort());
  }, 90_000);

  test('re-running the current release restarts it in place', async () => {
    const before = servicePid();
    const run = await release(G, makeBundle(G, 'ready'));
    expect(run.code).toBe(0);
    expect(run.output).toContain('already current');
    expect(servicePid()).not.toBe(before);
    expect(await serving()).toBe(G);
  }, 90_000);

  test('with no previous release to go back to, a failing first release exits 3', async () => {
    const otherHome = path.join(work, 'fresh-home');
    const otherPort = await freePort();
    const run = await release(A, makeBundle(A, 'unready'), {
      CHAT_HOME: otherHome,
      PORT: String(otherPort),
      CHAT_READY_URL: `http://127.0.0.1:${otherPort}/readyz`,
    });
    expect(run.code).toBe(3);
    expect(run.output).toContain('no previous release');
    try {
      process.kill(Number(readFileSync(path.join(otherHome, 'service.pid'), 'utf8')), 'SIGTERM');
    } catch {
      // already stopped
    }
  }, 90_000);
});
