import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One AWS call as it crossed the wire: the operation's name as the SDK put it. */
export interface SeenCall {
  method: string;
  path: string;
  /** X-Amz-Target (SQS and DynamoDB JSON protocols), e.g. AmazonSQS.GetQueueAttributes. */
  target: string | undefined;
}

/**
 * A plain HTTP forwarder in front of moto that records every request: the count of real backend calls, taken at
 * the wire, whatever the server does inside. Point AWS_ENDPOINT_URL at `url`.
 */
export async function startCountingProxy(upstream: string): Promise<{ url: string; calls: SeenCall[]; close(): Promise<void> }> {
  const target = new URL(upstream);
  const calls: SeenCall[] = [];
  const server = http.createServer((req, res) => {
    calls.push({ method: req.method ?? '', path: req.url ?? '', target: req.headers['x-amz-target'] as string | undefined });
    const out = http.request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    out.on('error', () => res.destroy());
    req.pipe(out);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
