import net from 'node:net';
import { CliError } from '../../tools/cli/index.js';

/** Whether a server could listen on port/host now; errors other than "in use" are left for the server to report. */
function listenable(port, host) {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', (err) => resolve(err.code !== 'EADDRINUSE'));
    probe.listen({ port, host, exclusive: true }, () => probe.close(() => resolve(true)));
  });
}

/**
 * The problem with starting the chat on PORT (default 3000) and HOST (default 127.0.0.1) when another process holds
 * that port, naming a free port to use instead; undefined when it is free. A malformed PORT is config.ts's to name.
 */
export async function portProblem(rawPort, rawHost) {
  const text = rawPort?.trim() || '3000';
  const host = rawHost?.trim() || '127.0.0.1';
  const port = Number(text);
  if (!/^[0-9]+$/.test(text) || port === 0 || port > 65535 || (await listenable(port, host))) return undefined;
  let free = port + 1;
  while (free < Math.min(port + 50, 65535) && !(await listenable(free, host))) free++;
  return new CliError(
    `port ${port} on ${host} is already in use by another process`,
    `stop that process (lsof -i :${port}), or start on another port: PORT=${free} npm start`,
  );
}
