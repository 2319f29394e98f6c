/**
 * `npm run loadtest`: start what is to be measured (the floor, and a local chat server unless --target is given),
 * run the same Artillery scenario against each in turn, stop everything, then print and write the report.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join, relative, resolve } from 'node:path';
import { CliError, reachable, runMain, task, UsageError, type Report } from '@chat/cli';
import { ensureVenv } from '@chat/local-aws';
import { LOADTEST_COMMAND, parseArgs, perUserRate, USAGE, type CliOptions } from './args';
import { runArtillery } from './artillery';
import { LOADTEST_DIR } from './paths';
import { vuCount } from './plan';
import { startMotoBackend, type MotoBackend } from './moto';
import { formatProfileSummary, summarizeProfileFile } from './profile-summary';
import { writeReport } from './report';
import { cpuBetween, startChildServer, type CpuSample } from './servers';
import { startScaledOut, withRedis, type ServedBy } from './cluster';
import { RunStats, type StatsData } from './stats';
import { costRows, formatCost, scrapeUsage, usageBetween } from './cost';
import { formatSummary, integrityFailures, type RunResult } from './summary';
import { readVars, type RunVars } from './vars';

/** The server's default per-connection limit (RATE_LIMIT_POINTS per RATE_LIMIT_WINDOW_SECONDS). */
const DEFAULT_LIMIT_PER_S = 30 / 10;
/** Settings that would switch a local chat server into aws mode or elsewhere; the harness chooses them itself. */
const SERVER_ENV = [
  'QUEUE_URL',
  'TABLE_NAME',
  'UPLOADS_BUCKET',
  'AWS_ENDPOINT_URL',
  'PORT',
  'HOST',
  'DATA_DIR',
  'PUBLIC_URL',
  'CORS_ORIGINS',
  'REDIS_URL',
];

export interface LoadtestResult {
  passed: boolean;
  failures: string[];
  runs: RunResult[];
  dir: string;
  files: { summary: string; html: string; png?: string; artillery: string[] };
}

type Log = (line: string) => void;

/**
 * Runs each target in turn. `progress` (the command line) shows each step with its elapsed time and phase
 * (connecting, sending n of N s, draining); without it (tests) only `log` lines.
 */
export async function runLoadtest(o: CliOptions, log: Log = console.log, { progress = false } = {}): Promise<LoadtestResult> {
  const started = new Date();
  const stamp = started.toISOString().replace(/[:.]/g, '-').replace('Z', '');
  const dir = resolve(o.outDir ?? join(LOADTEST_DIR, 'reports'), `${stamp}-${o.scenario}`);
  mkdirSync(dir, { recursive: true });
  const scenarioFile = join(LOADTEST_DIR, 'scenarios', `${o.scenario}.yml`);
  const vars: RunVars = readVars({
    scenario: o.scenario,
    users: o.users,
    rate: o.rate,
    duration: o.duration,
    senders: o.senders,
    rooms: o.rooms,
    floodRate: o.floodRate,
    ramp: Math.max(1, Math.ceil(o.users / 50)),
    roomPrefix: `lt${Date.now().toString(36)}`,
  });
  const perUser = perUserRate(o);
  if (perUser > DEFAULT_LIMIT_PER_S) {
    log(
      `warning: each user sends ${perUser.toFixed(2)} msg/s, above the server's default limit of ${DEFAULT_LIMIT_PER_S}/s: expect rate_limited failures (raise --users or lower --rate)`,
    );
  }

  const profileDir = o.profile ? join(dir, 'profile') : undefined;
  type Started = {
    url: string;
    stop: () => Promise<number | undefined>;
    servedBy?: () => Promise<ServedBy>;
    cpuSamples?: CpuSample[];
    /** The one chat server whose /metrics counts what the run asked of AWS. */
    metricsUrl?: string;
  };
  const targets: Array<{ label: string; start: () => Promise<Started> }> = [];
  if (o.floor) targets.push({ label: 'floor', start: () => startChildServer('floor', {}, join(dir, 'floor.server.log')) });
  if (o.target) {
    const url = o.target;
    targets.push({ label: 'target', start: async () => ({ url, metricsUrl: url, stop: async () => undefined }) });
  } else if (o.backend === 'moto') {
    targets.push({
      label: 'moto',
      start: async () => {
        const moto: MotoBackend = await startMotoBackend(join(dir, 'moto.log'));
        try {
          const server = await startChildServer('chat', chatEnv(moto.env), join(dir, 'moto.server.log'), profileDir);
          return {
            url: server.url,
            metricsUrl: server.url,
            cpuSamples: server.cpuSamples,
            stop: async () => await server.stop().finally(() => moto.stop()),
          };
        } catch (err) {
          await moto.stop();
          throw err;
        }
      },
    });
    if (o.servers > 1) {
      // The same scenario on one server with the adapter (its cost), then on N servers behind the LB (the gain).
      targets.push({
        label: 'moto+redis',
        start: async () => {
          const moto = await startMotoBackend(join(dir, 'moto+redis.moto.log'));
          const redis = await withRedis(dir, 'moto+redis').catch(async (err: unknown) => {
            await moto.stop();
            throw err;
          });
          try {
            const server = await startChildServer(
              'chat',
              chatEnv({ ...moto.env, REDIS_URL: redis.url }),
              join(dir, 'moto+redis.server.log'),
            );
            return {
              url: server.url,
              cpuSamples: server.cpuSamples,
              stop: async () => await server.stop().finally(() => Promise.all([moto.stop(), redis.stop()])),
            };
          } catch (err) {
            await Promise.all([moto.stop(), redis.stop()]);
            throw err;
          }
        },
      });
      targets.push({
        label: `moto×${o.servers}`,
        start: async () => {
          const moto = await startMotoBackend(join(dir, `moto×${o.servers}.moto.log`));
          try {
            const cluster = await startScaledOut(o.servers, chatEnv(moto.env), dir, `moto×${o.servers}`);
            return { url: cluster.url, servedBy: cluster.servedBy, stop: async () => await cluster.stop().finally(() => moto.stop()) };
          } catch (err) {
            await moto.stop();
            throw err;
          }
        },
      });
    }
  } else {
    targets.push({
      label: 'embedded',
      start: async () => {
        const server = await startChildServer('chat', chatEnv({}), join(dir, 'embedded.server.log'), profileDir);
        return { ...server, metricsUrl: server.url };
      },
    });
  }

  const runs: RunResult[] = [];
  const artilleryFiles: string[] = [];
  if (o.backend === 'moto' && !o.target) ensureVenv('moto');
  if (o.target) await checkTarget(o.target);
  const step = async <T>(title: string, work: (report: Report) => Promise<T>, expectSeconds?: number): Promise<T> => {
    // --verbose shows Artillery's own output, which a redrawn progress line would garble.
    if (progress && !o.verbose) return await task(title, work, expectSeconds ? { expectSeconds } : {});
    log(title);
    return await work(Object.assign(() => {}, { log }));
  };
  for (const t of targets) {
    const server = await step(`${t.label}: starting the server`, () => t.start());
    let cpuMs: number | undefined;
    let servedBy: ServedBy | undefined;
    const wallStart = Date.now();
    const statsDir = join(dir, `${t.label}.stats`);
    // What the server asked of AWS during the run, from its own counters (a deployment's need its METRICS_TOKEN).
    const token = o.target ? process.env['LOADTEST_METRICS_TOKEN'] : undefined;
    const usageBefore = server.metricsUrl ? await scrapeUsage(server.metricsUrl, token) : undefined;
    let usageAfter: Awaited<ReturnType<typeof scrapeUsage>> | undefined;
    let run;
    try {
      const phases = { connect: vars.ramp + vars.settle, send: vars.duration, drain: vars.drainTimeout };
      run = await step(
        `${t.label}: ${o.scenario}, ${vuCount(o)} users, ${o.rate} msg/s for ${o.duration} s against ${server.url}`,
        async (report) => {
          let started = 0;
          report('starting Artillery');
          const ticker = setInterval(() => report(phaseOf(started, phases)), 500);
          try {
            return await runArtillery({
              scenarioFile,
              target: server.url,
              vars,
              p99Ms: o.p99,
              outDir: dir,
              label: t.label,
              statsDir,
              verbose: o.verbose,
              ...(o.tokenFile ? { tokenFile: o.tokenFile } : {}),
              onPhaseStarted: () => (started ||= Date.now()),
            });
          } finally {
            clearInterval(ticker);
          }
        },
        phases.connect + phases.send + 5,
      );
      servedBy = await server.servedBy?.();
      if (server.metricsUrl) usageAfter = await scrapeUsage(server.metricsUrl, token);
    } finally {
      cpuMs = await server.stop();
    }
    if (servedBy)
      log(`${t.label}: ${servedBy.served} of ${servedBy.count} servers served (connections ${JSON.stringify(servedBy.sessions)})`);
    const wallMs = Date.now() - wallStart;
    const unread = [usageBefore, usageAfter].find((u): u is string => typeof u === 'string');
    if (unread) log(`${t.label}: no AWS usage: ${unread}`);
    const usage = typeof usageBefore === 'object' && typeof usageAfter === 'object' ? usageBetween(usageBefore, usageAfter) : undefined;
    artilleryFiles.push(run.outputFile);
    const stats = loadStats(statsDir);
    const sendCpuMs = server.cpuSamples
      ? cpuBetween(server.cpuSamples, stats.startedAt, stats.startedAt + vars.duration * 1000)
      : undefined;
    runs.push({
      label: t.label,
      target: server.url,
      stats,
      durationS: vars.duration,
      ...(cpuMs !== undefined ? { serverCpuMs: cpuMs, serverWallMs: wallMs } : {}),
      ...(sendCpuMs !== undefined ? { sendCpuMs } : {}),
      artilleryExitCode: run.exitCode,
      checks: run.checks,
      ...(servedBy ? { servers: servedBy } : {}),
      ...(usage ? { usage } : {}),
    });
    log(`${t.label}: done (artillery exit ${run.exitCode}${run.checks.some((c) => c.startsWith('fail')) ? ', ensure failed' : ''})`);
  }

  const failures = runs.flatMap((r) => [
    ...integrityFailures(r),
    ...r.checks.filter((c) => c.startsWith('fail')).map((c) => `${r.label}: ${c}`),
    ...(r.artilleryExitCode !== 0 && !r.checks.some((c) => c.startsWith('fail'))
      ? [`${r.label}: artillery exited with ${r.artilleryExitCode}`]
      : []),
  ]);
  const passed = failures.length === 0;
  const cost = formatCost(costRows(runs));
  const summary = cost ? `${formatSummary(runs)}\n\n${cost}` : formatSummary(runs);
  const summaryFile = join(dir, 'summary.md');
  const argv = process.argv.slice(2);
  const command = argv.length ? `npm run loadtest -- ${argv.join(' ')}` : 'npm run loadtest';
  writeFileSync(
    summaryFile,
    `# Load test ${stamp} (${o.scenario})\n\n\`${command}\`\n\n${machine()}\n\n${summary}\n\n${passed ? 'PASS' : `FAIL\n\n${failures.map((f) => `- ${f}`).join('\n')}`}\n`,
  );
  writeFileSync(
    join(dir, 'summary.json'),
    JSON.stringify({ options: o, vars, passed, failures, runs: runs.map((r) => ({ ...r, stats: r.stats.toJSON() })) }, null, 1),
  );
  const html = join(dir, 'report.html');
  const png = join(dir, 'report.png');
  const rendered = await writeReport(html, png, runs, {
    title: `Chat load test: ${o.scenario}`,
    command,
    scenario: o.scenario,
    startedAt: started,
    machine: machine(),
    settings: {
      ...(o.servers > 1 ? { servers: o.servers } : {}),
      users: o.users,
      rate: `${o.rate} msg/s`,
      duration: `${o.duration} s`,
      ...(o.scenario === 'fanout' ? { senders: o.senders } : {}),
      ...(o.scenario === 'rooms' ? { rooms: o.rooms } : {}),
      ...(o.scenario === 'flood' ? { 'flood rate': `${o.floodRate} msg/s` } : {}),
    },
    passed,
    failures,
  }).catch((err: Error) => {
    log(`warning: PNG rendering failed: ${err.message}`);
    return { png: false };
  });

  if (profileDir) {
    // Where the chat server's time went, next to each profile (the top lines are printed too).
    for (const f of safeList(profileDir).filter((n) => n.endsWith('.cpuprofile'))) {
      const text = formatProfileSummary(summarizeProfileFile(join(profileDir, f), 25));
      writeFileSync(join(profileDir, f.replace(/\.cpuprofile$/, '.txt')), `${text}\n`);
      log(`\nprofile ${f}:\n${text.split('\n\n').slice(0, 2).join('\n\n')}`);
    }
  }

  log('');
  log(summary);
  log('');
  const rel = (p: string) => relative(process.cwd(), p) || p;
  log(`report: ${rel(html)}${rendered.png ? `, ${rel(png)}` : ' (no PNG: no Chromium found; set CHROMIUM_PATH)'}`);
  log(`artillery JSON: ${artilleryFiles.map(rel).join(', ')}`);
  log(passed ? 'PASS' : `FAIL\n${failures.map((f) => `  - ${f}`).join('\n')}`);
  return {
    passed,
    failures,
    runs,
    dir,
    files: { summary: summaryFile, html, ...(rendered.png ? { png } : {}), artillery: artilleryFiles },
  };
}

/** Where an Artillery run is, from when its arrival phase started: connecting, sending n of N s, draining. */
export function phaseOf(startedAt: number, phases: { connect: number; send: number; drain: number }, now = Date.now()): string {
  if (!startedAt) return 'starting Artillery';
  const s = (now - startedAt) / 1000;
  if (s < phases.connect) return 'connecting the users';
  if (s < phases.connect + phases.send) return `sending, ${Math.floor(s - phases.connect)} of ${phases.send} s`;
  return `draining (at most ${phases.drain} s)`;
}

/** A target that does not answer is named before anything starts, with what to check. */
async function checkTarget(target: string): Promise<void> {
  const url = new URL('/healthz', target);
  const res = await reachable(url, 'check --target, or start the chat first (npm start)');
  if (!res.ok) throw new CliError(`${url} answered ${res.status}`, 'is --target the chat API origin (the URL that serves /socket.io)?');
}

/** A local chat server: loopback only, quiet logs, its own throw-away data directory. */
export function chatEnv(extra: Record<string, string>): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = { ...process.env };
  for (const k of SERVER_ENV) delete env[k];
  const data = mkdtempSync(join(os.tmpdir(), 'chat-loadtest-'));
  process.once('exit', () => rmSync(data, { recursive: true, force: true }));
  // Every virtual user comes from this one host: exempt it from the per-address limits (sockets, messages per
  // address), which would otherwise see one client with hundreds of sockets. Per-socket limits still apply.
  const exempt = { ABUSE_EXEMPT_ADDRESSES: '127.0.0.1,::1' };
  // One proxy hop trusted, as behind CloudFront: the flood scenario's flooder names its own address in
  // X-Forwarded-For, so the per-address limits apply to it alone. Without the header the address is the peer.
  const proxy = { TRUST_PROXY: '1' };
  return {
    ...env,
    LOG_LEVEL: process.env.LOADTEST_SERVER_LOG_LEVEL ?? 'warn',
    DATA_DIR: data,
    ...exempt,
    ...proxy,
    ...extra,
    PORT: '0',
    HOST: '127.0.0.1',
  };
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function loadStats(statsDir: string): RunStats {
  let files: string[] = [];
  try {
    files = readdirSync(statsDir).filter((f) => f.endsWith('.json'));
  } catch {
    // Artillery failed before any user finished: an empty result, reported as a failure.
  }
  const datas = files.map((f) => JSON.parse(readFileSync(join(statsDir, f), 'utf8')) as StatsData);
  const base = new RunStats(Math.min(Date.now(), ...datas.map((d) => d.startedAt)));
  for (const d of datas) base.mergeData(d);
  return base;
}

function machine(): string {
  const cpus = os.cpus();
  return `${cpus.length} cores (${cpus[0]?.model.trim() ?? 'unknown CPU'}), ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Node ${process.version}, ${os.type()} ${os.release()}`;
}

async function main(): Promise<void> {
  let o: CliOptions;
  try {
    o = parseArgs(process.argv.slice(2));
  } catch (err) {
    if (err instanceof UsageError) throw new CliError(err.message, `${LOADTEST_COMMAND.command} --help lists the options`, { exitCode: 2 });
    throw err;
  }
  if (o.help) {
    process.stdout.write(USAGE);
    return;
  }
  // Ctrl-C: exit through 'exit' so the child servers, moto and Artillery are killed too.
  process.once('SIGINT', () => process.exit(130));
  process.once('SIGTERM', () => process.exit(143));
  const result = await runLoadtest(o, console.log, { progress: true });
  process.exit(result.passed ? 0 : 1);
}

if (require.main === module) runMain(main);
