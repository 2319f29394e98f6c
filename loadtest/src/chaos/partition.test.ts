import net from 'node:net';
import { cutConnection, startTcpProxy } from '@chat/local-aws';

/** An echo server on a free loopback port. */
async function echo(): Promise<{ port: number; close(): void }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('error', () => undefined); // a reset from the other side
    s.on('close', () => sockets.delete(s));
    s.pipe(s);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () => {
      for (const s of sockets) s.destroy();
      server.close();
    },
  };
}

/** Connects, sends `text`, resolves with the echo, or with the error code when the connection breaks. */
function roundTrip(port: number, text: string): Promise<string> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1', () => s.write(text));
    s.once('data', (d) => {
      s.destroy();
      resolve(d.toString());
    });
    s.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'error'));
    s.once('close', () => resolve('closed'));
  });
}

describe('the partition fault: a TCP proxy that can be cut', () => {
  test('forwards, cuts open and new connections, forwards again once restored', async () => {
    const target = await echo();
    const proxy = await startTcpProxy(target.port);
    try {
      expect(await roundTrip(proxy.port, 'before')).toBe('before');

      const open = net.connect(proxy.port, '127.0.0.1');
      await new Promise((r) => open.once('connect', r));
      const broken = new Promise<string>((resolve) => {
        open.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'error'));
        open.once('close', () => resolve('closed'));
      });
      proxy.cut();
      expect(proxy.isCut).toBe(true);
      expect(await broken).toBe('ECONNRESET');
      expect(await roundTrip(proxy.port, 'during')).toMatch(/ECONNRESET|closed/);

      proxy.restore();
      expect(await roundTrip(proxy.port, 'after')).toBe('after');
    } finally {
      await proxy.stop();
      target.close();
    }
  });

  test('a connection whose end is under way is destroyed, not reset (a failed reset would keep the process from exiting)', async () => {
    const target = await echo();
    try {
      for (const cut of [false, true]) {
        const s = net.connect(target.port, '127.0.0.1');
        await new Promise((r) => s.once('connect', r));
        const errors: string[] = [];
        s.on('error', (err: NodeJS.ErrnoException) => errors.push(err.code ?? err.message));
        const closed = new Promise((r) => s.once('close', r));
        // Ended (its FIN pending), then cut in the same turn: a reset here fails with EINVAL and leaks the handle.
        if (cut) s.end();
        cutConnection(s);
        await closed;
        expect(errors).toEqual([]);
      }
    } finally {
      target.close();
    }
  });
});
