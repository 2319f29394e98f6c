import { clientAddress, fromLoopback } from './client-address';

const req = (remoteAddress: string, xff?: string) =>
  ({ socket: { remoteAddress }, headers: xff === undefined ? {} : { 'x-forwarded-for': xff } }) as never;

describe('clientAddress', () => {
  test('without trusted proxies the peer is the client, whatever X-Forwarded-For claims', () => {
    expect(clientAddress(req('::ffff:203.0.113.9', '1.2.3.4'), 0)).toBe('203.0.113.9');
  });

  test('with N trusted hops it is the entry N from the right; what the client wrote further left is ignored', () => {
    // CloudFront appends the viewer's address; a client-supplied value sits to its left.
    expect(clientAddress(req('130.176.0.1', 'spoofed, 198.51.100.7'), 1)).toBe('198.51.100.7');
    expect(clientAddress(req('10.0.0.2', 'spoofed, 198.51.100.7, 130.176.0.1'), 2)).toBe('198.51.100.7');
    // Fewer entries than hops: the furthest one known, never undefined.
    expect(clientAddress(req('10.0.0.2'), 1)).toBe('10.0.0.2');
    expect(clientAddress(req('10.0.0.2', '::ffff:192.0.2.1'), 3)).toBe('192.0.2.1');
  });
});

describe('fromLoopback', () => {
  test('a loopback peer with no proxy header is this host; anything proxied or remote is not', () => {
    expect(fromLoopback(req('127.0.0.1'))).toBe(true);
    expect(fromLoopback(req('::1'))).toBe(true);
    expect(fromLoopback(req('::ffff:127.0.0.1'))).toBe(true);
    expect(fromLoopback(req('127.0.0.1', '203.0.113.5'))).toBe(false);
    expect(fromLoopback(req('10.0.0.5'))).toBe(false);
  });
});
