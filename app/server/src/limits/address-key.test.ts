import { loadConfig } from '../config';
import { AddressLimits } from '../transport/abuse-limits';
import { addressKey } from './address-key';

describe('addressKey', () => {
  it('keys IPv4 by the whole address', () => {
    expect(addressKey('192.0.2.1')).toBe('192.0.2.1');
    expect(addressKey('192.0.2.2')).not.toBe(addressKey('192.0.2.1'));
  });

  it('keys an IPv4-mapped IPv6 address as its IPv4 address', () => {
    expect(addressKey('::ffff:192.0.2.1')).toBe('192.0.2.1');
    expect(addressKey('::FFFF:192.0.2.1')).toBe('192.0.2.1');
  });

  it('keys IPv6 by its /64, whatever the notation', () => {
    const key = addressKey('2001:db8:1:2::1');
    expect(key).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:0db8:0001:0002:ffff:ffff:ffff:ffff')).toBe(key);
    expect(addressKey('2001:DB8:1:2:abcd::9')).toBe(key);
    expect(addressKey('2001:db8:1:3::1')).not.toBe(key);
  });

  it('expands :: at either end and an embedded IPv4 tail', () => {
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
    expect(addressKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(addressKey('2001:db8::')).toBe('2001:db8:0:0::/64');
    expect(addressKey('64:ff9b::192.0.2.1')).toBe('64:ff9b:0:0::/64');
    expect(addressKey('2001:db8:1:2:3:4:192.0.2.1')).toBe('2001:db8:1:2::/64');
  });

  it('leaves anything else as it is (an unknown peer)', () => {
    expect(addressKey('unknown')).toBe('unknown');
  });
});

describe('AddressLimits keys every limit by addressKey', () => {
  it('counts the sockets of one IPv6 /64 together', () => {
    const limits = new AddressLimits(loadConfig({ SOCKETS_PER_ADDRESS: '2' }));
    expect(limits.admitSocket('2001:db8:0:1::1').ok).toBe(true);
    const second = limits.admitSocket('2001:db8:0:1::2');
    expect(limits.admitSocket('2001:db8:0:1::3')).toMatchObject({ ok: false });
    expect(limits.admitSocket('2001:db8:0:2::1').ok).toBe(true);
    if (second.ok) second.release();
    expect(limits.socketsFrom('2001:db8:0:1::9')).toBe(1);
  });
});
