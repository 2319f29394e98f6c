import { freePort, waitForPort } from './ports';
import { spawnDaemon, systemTool, type Daemon } from './child';

export interface Redis {
  /** `redis://127.0.0.1:<port>`: the server's REDIS_URL. */
  url: string;
  port: number;
  /** Stop the server, as an outage does: its data goes with it (no persistence), like a replaced node. */
  stop(): Promise<void>;
  /** Start it again on the same port (after `stop`). */
  restart(): Promise<void>;
}

/**
 * Debian's redis-server on a free loopback port, in memory only (no RDB/AOF files), stopped by `stop()` or, at the
 * latest, when this process exits.
 */
export async function startRedis(opts: { logFile?: string } = {}): Promise<Redis> {
  const bin = systemTool('redis-server', 'redis-server');
  const port = await freePort();
  let daemon: Daemon | undefined;
  const launch = async () => {
    daemon = spawnDaemon(
      bin,
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'yes', '--daemonize', 'no'],
      opts.logFile,
    );
    const d = daemon;
    try {
      await waitForPort(port, 15_000, () => d.child.exitCode !== null);
    } catch (err) {
      await d.stop();
      throw new Error(`redis-server did not start: ${(err as Error).message}\n${d.tail()}`, { cause: err });
    }
  };
  await launch();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    stop: async () => {
      await daemon?.stop();
      daemon = undefined;
    },
    restart: async () => {
      await daemon?.stop();
      await launch();
    },
  };
}
