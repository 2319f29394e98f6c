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

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
