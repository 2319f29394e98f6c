import { ORIGIN_SECRET_HEADER } from '../edge';
import { carriesOriginSecret, clientAddress, fromLoopback, type ProxyTrust } from './client-address';

const req = (remoteAddress: string, xff?: string, secret?: string) =>
  ({
    socket: { remoteAddress },
    headers: {
      ...(xff === undefined ? {} : { 'x-forwarded-for': xff }),
      ...(secret === undefined ? {} : { [ORIGIN_SECRET_HEADER]: secret }),
    },
  }) as never;

const hops = (trustProxy: number): ProxyTrust => ({ trustProxy, trustedProxies: [], originSecrets: [] });
const SECRET = 's'.repeat(32);

describe('clientAddress', () => {
  test('without trusted proxies the peer is the client, whatever X-Forwarded-For claims', () => {
    expect(clientAddress(req('::ffff:203.0.113.9', '1.2.3.4'), hops(0))).toBe('203.0.113.9');
  });

  test('with N trusted hops it is the entry N from the right; what the client wrote further left is ignored', () => {
    // CloudFront appends the viewer's address; a client-supplied value sits to its left.
    expect(clientAddress(req('130.176.0.1', 'spoofed, 198.51.100.7'), hops(1))).toBe('198.51.100.7');
    expect(clientAddress(req('10.0.0.2', 'spoofed, 198.51.100.7, 130.176.0.1'), hops(2))).toBe('198.51.100.7');
    // Fewer entries than hops: the furthest one known, never undefined.
    expect(clientAddress(req('10.0.0.2'), hops(1))).toBe('10.0.0.2');
    expect(clientAddress(req('10.0.0.2', '::ffff:192.0.2.1'), hops(3))).toBe('192.0.2.1');
  });
});

describe('clientAddress with TRUSTED_PROXIES and ORIGIN_SECRET (infra/README "Security")', () => {
  const lb: ProxyTrust = { trustProxy: 2, trustedProxies: ['10.42.0.0/16'], originSecrets: [] };
  const cloudFront: ProxyTrust = { trustProxy: 1, trustedProxies: [], originSecrets: [SECRET] };
  const both: ProxyTrust = { trustProxy: 2, trustedProxies: ['10.42.0.0/16'], originSecrets: ['o'.repeat(32), SECRET] };

  test('an untrusted peer is the client, whatever it writes (the hop count is ignored once either is set)', () => {
    expect(clientAddress(req('203.0.113.9', '1.2.3.4, 5.6.7.8'), lb)).toBe('203.0.113.9');
    expect(clientAddress(req('203.0.113.9', '1.2.3.4'), cloudFront)).toBe('203.0.113.9');
    expect(clientAddress(req('203.0.113.9', '1.2.3.4'), both)).toBe('203.0.113.9');
    // A wrong secret proves nothing.
    expect(clientAddress(req('203.0.113.9', '1.2.3.4', 'x'.repeat(32)), cloudFront)).toBe('203.0.113.9');
  });

  test('past every trusted proxy, right to left; what the client wrote further left never counts', () => {
    expect(clientAddress(req('10.42.1.5', 'spoofed, 10.42.0.1, 198.51.100.7'), lb)).toBe('198.51.100.7');
    expect(clientAddress(req('10.42.1.5', '198.51.100.7, 10.42.0.1'), lb)).toBe('198.51.100.7');
    // Only trusted addresses all the way: the furthest one, never a missing entry; a malformed entry ends the walk.
    expect(clientAddress(req('10.42.1.5', '10.42.0.1'), lb)).toBe('10.42.0.1');
    expect(clientAddress(req('10.42.1.5'), lb)).toBe('10.42.1.5');
    expect(clientAddress(req('10.42.1.5', 'not-an-ip'), lb)).toBe('10.42.1.5');
  });

  test('the origin secret proves one more hop: the viewer CloudFront appended', () => {
    // One server: CloudFront is the peer.
    expect(clientAddress(req('130.176.0.1', 'spoofed, 198.51.100.7', SECRET), cloudFront)).toBe('198.51.100.7');
    // Several: CloudFront → load balancer → server.
    expect(clientAddress(req('10.42.1.5', '1.1.1.1, 198.51.100.7, 130.176.0.1', SECRET), both)).toBe('198.51.100.7');
    expect(clientAddress(req('10.42.1.5', '198.51.100.7, 130.176.0.1'), both)).toBe('130.176.0.1');
  });

  test('carriesOriginSecret: either value while rotating, nothing else', () => {
    expect(carriesOriginSecret(req('1.1.1.1', undefined, SECRET), both.originSecrets)).toBe(true);
    expect(carriesOriginSecret(req('1.1.1.1', undefined, 'o'.repeat(32)), both.originSecrets)).toBe(true);
    expect(carriesOriginSecret(req('1.1.1.1', undefined, SECRET.slice(1)), both.originSecrets)).toBe(false);
    expect(carriesOriginSecret(req('1.1.1.1'), both.originSecrets)).toBe(false);
    expect(carriesOriginSecret(req('1.1.1.1', undefined, ''), [])).toBe(false);
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
