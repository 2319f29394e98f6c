import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, waitForPort } from './ports';
import { spawnDaemon, systemTool } from './child';

export interface LoadBalancer {
  /** `http://127.0.0.1:<port>`: what clients connect to. */
  url: string;
  port: number;
  /** The configuration it runs, for a failure message. */
  config: string;
  /** Connections each server has taken so far (`s1`, `s2`, … in the order given), from HAProxy's own statistics. */
  sessions(): Promise<Record<string, number>>;
  /** Which servers HAProxy's health check sees up right now. */
  up(): Promise<Record<string, boolean>>;
  stop(): Promise<void>;
}

/** Seconds; above Socket.IO's ping interval + timeout (25 s + 20 s), so an idle socket is never cut by the LB. */
const IDLE_TIMEOUT_S = 60;

/**
 * The load balancer's configuration, as the ALB is set up in AWS: round robin, WebSocket upgrade (HAProxy tunnels an
 * upgraded connection), sticky sessions by cookie for the long-polling transport (its requests must reach the server
 * that holds the session), health check `GET /readyz` so a server whose backends fail takes no new clients, and a
 * connection refused by a dead server retried on another one.
 */
export interface HaproxyOptions {
  checkIntervalMs?: number;
  /**
   * Append the client's address to X-Forwarded-For, as the ALB does (`option forwardfor`): for tests of what servers
   * make of it. Off by default, so requests through it keep coming from loopback as the servers see them.
   */
  forwardFor?: boolean;
}

export function haproxyConfig(port: number, backends: number[], opts: HaproxyOptions & { statsPort?: number } = {}): string {
  const inter = opts.checkIntervalMs ?? 1000;
  return [
    // No maxconn: HAProxy sizes it from this process's file descriptor limit.
    'global',
    'defaults',
    '  mode http',
    '  option http-server-close',
    '  timeout connect 2s',
    `  timeout client ${IDLE_TIMEOUT_S}s`,
    `  timeout server ${IDLE_TIMEOUT_S}s`,
    `  timeout tunnel ${IDLE_TIMEOUT_S}s`,
    '  timeout http-request 10s',
    // /readyz pings every backend: on a busy machine it may take seconds, which is slow, not down.
    '  timeout check 10s',
    '  retries 3',
    '  option redispatch',
    ...(opts.forwardFor ? ['  option forwardfor'] : []),
    ...(opts.statsPort
      ? ['frontend stats', `  bind 127.0.0.1:${opts.statsPort}`, '  stats enable', '  stats uri /stats', '  stats refresh 0']
      : []),
    'frontend chat',
    `  bind 127.0.0.1:${port}`,
    '  default_backend servers',
    'backend servers',
    '  balance roundrobin',
    '  cookie CHATSERVER insert indirect nocache httponly',
    // The servers bind loopback and answer only to loopback Host names.
    '  option httpchk',
    '  http-check send meth GET uri /readyz ver HTTP/1.1 hdr Host 127.0.0.1',
    '  http-check expect status 200',
    `  default-server inter ${inter} fastinter ${inter} downinter ${inter} rise 1 fall 3`,
    ...backends.map((p, i) => `  server s${i + 1} 127.0.0.1:${p} check cookie s${i + 1}`),
    '',
  ].join('\n');
}

/** Debian's HAProxy on a free loopback port in front of the given loopback server ports. */
export async function startHaproxy(backends: number[], opts: HaproxyOptions & { logFile?: string } = {}): Promise<LoadBalancer> {
  const bin = systemTool('haproxy', 'haproxy');
  const port = await freePort();
  const statsPort = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chat-haproxy-'));
  const config = haproxyConfig(port, backends, { ...opts, statsPort });
  const file = path.join(dir, 'haproxy.cfg');
  fs.writeFileSync(file, config);
  // -db: foreground, no daemon; -W master-worker is not needed for one process.
  const daemon = spawnDaemon(bin, ['-db', '-f', file], opts.logFile);
  const stop = async () => {
    await daemon.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitForPort(port, 15_000, () => daemon.child.exitCode !== null);
  } catch (err) {
    await stop();
    throw new Error(`haproxy did not start: ${(err as Error).message}\n${daemon.tail()}\n${config}`, { cause: err });
  }
  const stats = async () => {
    const csv = await (await fetch(`http://127.0.0.1:${statsPort}/stats;csv`, { signal: AbortSignal.timeout(5000) })).text();
    const [header, ...rows] = csv
      .replace(/^# /, '')
      .trim()
      .split('\n')
      .map((l) => l.split(','));
    const named = rows.map((r) => Object.fromEntries(header!.map((h, i) => [h, r[i] ?? ''])));
    return named.filter((r) => r['pxname'] === 'servers' && /^s\d+$/.test(r['svname'] ?? ''));
  };
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    config,
    sessions: async () => {
      const rows = await stats();
      return Object.fromEntries(rows.map((r) => [r['svname']!, Number(r['stot'])]));
    },
    up: async () => {
      const rows = await stats();
      return Object.fromEntries(rows.map((r) => [r['svname']!, (r['status'] ?? '').startsWith('UP')]));
    },
    stop,
  };
}
