/**
 * One short real run signed in: a chat server with AUTH_MODE=signed-in against the loopback OpenID Connect provider,
 * Artillery's users each sending a token from --token-file in the handshake (a user without one would be refused,
 * and the run would count it failed). Asserts integrity — never a time (the machine is shared).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { startOidcProvider, type OidcProvider } from '@chat/local-aws';
import { startServer } from '@chat/server';
import { parseArgs } from './args';
import { runLoadtest, type LoadtestResult } from './cli';
import { LOADTEST_DIR } from './paths';

let out: string;
let provider: OidcProvider;
let server: Awaited<ReturnType<typeof startServer>>;
let result: LoadtestResult;

beforeAll(async () => {
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-b', join(LOADTEST_DIR, 'tsconfig.json')], { stdio: 'inherit' });
  out = mkdtempSync(join(os.tmpdir(), 'loadtest-signed-in-'));
  provider = await startOidcProvider();
  server = await startServer({
    PORT: '0',
    LOG_LEVEL: 'silent',
    DATA_DIR: join(out, 'data'),
    AUTH_MODE: 'signed-in',
    AUTH_ISSUER: provider.issuer,
    AUTH_AUDIENCE: provider.clientId,
  });
  // Fewer tokens than users: they are handed out again in turn.
  const tokens = await Promise.all(['carol', 'dave', 'erin'].map((u) => provider.mint(provider.user(u), { expiresIn: 3600 })));
  writeFileSync(join(out, 'tokens.txt'), tokens.join('\n') + '\n');
  const options = parseArgs([
    '--target',
    server.url,
    '--token-file',
    join(out, 'tokens.txt'),
    '--no-floor',
    '--users',
    '4',
    '--rate',
    '4',
    '--duration',
    '3',
    '--p99',
    '60000',
    '--out',
    out,
  ]);
  result = await runLoadtest(options, () => {});
}, 600_000);

afterAll(async () => {
  await server?.close();
  await provider?.stop();
  if (out && !process.env['KEEP_LOADTEST_OUT']) rmSync(out, { recursive: true, force: true });
});

it('signed-in users deliver every message exactly once, in order', async () => {
  expect(result.runs).toHaveLength(1);
  const c = (k: string) => result.runs[0]!.stats.counters.get(k) ?? 0;
  expect({
    lost: c('chat.lost'),
    duplicated: c('chat.duplicated'),
    outOfOrder: c('chat.out_of_order'),
    failed: c('chat.send_failed'),
  }).toEqual({
    lost: 0,
    duplicated: 0,
    outOfOrder: 0,
    failed: 0,
  });
  expect(c('chat.acked')).toBe(12);
  expect(result.failures).toEqual([]);
  // The server was signed in all along: without a token its API refuses.
  expect((await fetch(`${server.url}/history?room=global`)).status).toBe(401);
});
