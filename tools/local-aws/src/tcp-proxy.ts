import net from 'node:net';

export interface TcpProxy {
  /** The loopback port to connect to instead of the target's. */
  port: number;
  /** Whether connections are cut right now. */
  readonly isCut: boolean;
  /** A network partition: every open connection is reset, and new ones are reset as they arrive, until `restore`. */
  cut(): void;
  restore(): void;
  stop(): Promise<void>;
}

/**
 * Ends a connection as a partition does: with a reset (RST) while Node can send one, else a plain destroy. Not a reset
 * once the socket's end is under way (it was ended, or is still connecting): Node then fails the reset with EINVAL
 * yet marks the handle closing, never closes it, and the process spins at exit for ever (Node 24.21).
 */
export function cutConnection(socket: net.Socket): void {
  if (socket.destroyed) return;
  if (socket.writableEnded || socket.connecting) socket.destroy();
  else socket.resetAndDestroy();
}

/**
 * A TCP forwarder on a free loopback port in front of `targetPort`, which can be cut and restored: one client (a
 * chat server's Redis connection, say) partitioned from a shared daemon while the others still reach it.
 */
export async function startTcpProxy(targetPort: number): Promise<TcpProxy> {
  const open = new Set<net.Socket>();
  let cut = false;
  const server = net.createServer((client) => {
    if (cut) {
      cutConnection(client);
      return;
    }
    const upstream = net.connect(targetPort, '127.0.0.1');
    const pair = [client, upstream];
    for (const s of pair) {
      open.add(s);
      s.setNoDelay(true);
      // One side gone (or refused, while the target is down) takes the other with it, as a broken link does.
      s.on('error', () => pair.forEach((p) => p.destroy()));
      s.once('close', () => {
        open.delete(s);
        pair.forEach((p) => p.destroy());
      });
    }
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as net.AddressInfo;
  return {
    port,
    get isCut() {
      return cut;
    },
    cut: () => {
      cut = true;
      for (const s of open) cutConnection(s);
    },
    restore: () => {
      cut = false;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        for (const s of open) s.destroy();
        server.close(() => resolve());
      }),
  };
}
