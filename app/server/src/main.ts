import { ConfigError } from './config';
import { startServer } from './server';

/** CLI entry: settings from the environment, stop cleanly on SIGTERM/SIGINT (systemd, Ctrl-C). */
async function main(): Promise<void> {
  let server;
  try {
    server = await startServer(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(78); // EX_CONFIG: systemd and shells see a configuration problem, not a crash
    }
    const e = err as NodeJS.ErrnoException & { port?: number; address?: string };
    if (e.code === 'EADDRINUSE') {
      console.error(
        `Port ${e.port} on ${e.address} is already in use by another process — stop it, or choose another port: PORT=<free port>`,
      );
      process.exit(1);
    }
    throw err;
  }
  console.log(`Chat ready at ${server.url} (${server.config.aws ? 'aws' : 'embedded'} mode)`);
  const stop = (signal: string) => {
    server.log.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    server.close().then(
      () => process.exit(0),
      (err) => {
        server.log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

main().catch((err: unknown) => {
  // One line; the stack trace only when asked for (it names our code, not what to do).
  const debug = ['debug', 'trace'].includes(process.env['LOG_LEVEL'] ?? '');
  console.error(debug || !(err instanceof Error) ? err : `${err.message.split('\n')[0]} (LOG_LEVEL=debug shows the stack trace)`);
  process.exit(1);
});
