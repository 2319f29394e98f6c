/** Runs `artillery run` on one scenario file in a child process and collects its outputs. */
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { dirname, join } from 'node:path';
import { vuCount } from './plan';
import type { RunVars } from './vars';

export interface ArtilleryRun {
  exitCode: number;
  /** Artillery's `--output` JSON report */
  outputFile: string;
  /** Artillery's console output */
  logFile: string;
  /** `ok:`/`fail:` lines of the ensure plugin */
  checks: string[];
}

export interface ArtilleryOptions {
  scenarioFile: string;
  target: string;
  vars: RunVars;
  /** p99 limits for the ensure thresholds, ms */
  p99Ms: number;
  outDir: string;
  label: string;
  statsDir: string;
  verbose?: boolean;
  /**
   * A signed-in target: the token file (`--token-file`); the processor's `pickToken` gives each user the next token
   * (round again when there are fewer tokens than users) for its handshake, as the web client sends it.
   */
  tokenFile?: string;
  /** called when Artillery starts its arrival phase (the users begin to connect) */
  onPhaseStarted?: () => void;
}

/**
 * The CLI's settings as Artillery overrides: one arrival phase for all users, thresholds from the command line; with
 * a token file, the handshake's `auth` carries the token the processor's `pickToken` gave the user (the next one,
 * round again when there are fewer tokens than users), as the web client sends it.
 */
export function overridesFor(vars: RunVars, p99Ms: number, tokenFile?: string): Record<string, unknown> {
  return {
    config: {
      ...(tokenFile
        ? { engines: { 'socketio-v3': { transports: ['websocket'], reconnection: false, auth: { token: '{{ token }}' } } } }
        : {}),
      phases: [{ name: 'connect', duration: Math.max(1, Math.ceil(vars.ramp)), arrivalCount: vuCount(vars) }],
      ensure: {
        thresholds: [{ 'chat.e2e_ms.p99': p99Ms }, { 'chat.ack_ms.p99': p99Ms }],
        conditions: [
          { expression: 'chat.lost == 0 and chat.duplicated == 0 and chat.out_of_order == 0' },
          { expression: 'chat.send_failed <= chat.sent * 0.001' },
          { expression: 'vusers.failed == 0' },
        ],
      },
    },
  };
}

export function artilleryBin(): string {
  return join(dirname(require.resolve('artillery/package.json')), 'bin', 'run');
}

export function runArtillery(o: ArtilleryOptions): Promise<ArtilleryRun> {
  const outputFile = join(o.outDir, `${o.label}.artillery.json`);
  const logFile = join(o.outDir, `${o.label}.artillery.log`);
  const args = [
    artilleryBin(),
    'run',
    '--target',
    o.target,
    '--variables',
    JSON.stringify(o.vars),
    '--overrides',
    JSON.stringify(overridesFor(o.vars, o.p99Ms)),
    '--output',
    outputFile,
    o.scenarioFile,
  ];
  const child = spawn(process.execPath, args, {
    env: {
      ...process.env,
      ARTILLERY_DISABLE_TELEMETRY: 'true',
      LOADTEST_STATS_DIR: o.statsDir,
      NO_COLOR: '1',
      FORCE_COLOR: '0',
      ...(o.tokenFile ? { LOADTEST_TOKEN_FILE: o.tokenFile } : {}),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const log = createWriteStream(logFile);
  const checks: string[] = [];
  let pending = '';
  const onData = (chunk: Buffer) => {
    log.write(chunk);
    if (o.verbose) process.stdout.write(chunk);
    pending += chunk.toString('utf8');
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      const clean = line.replace(/\x1b\[[0-9;]*m/g, '').trim();
      if (/^(ok|fail): /.test(clean)) checks.push(clean);
      if (/^Phase started/.test(clean)) o.onPhaseStarted?.();
    }
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => {
      process.removeListener('exit', killOnExit);
      log.end();
      resolve({ exitCode: code ?? (signal ? 128 : 1), outputFile, logFile, checks });
    });
  });
}
