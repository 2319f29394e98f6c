import { deriveDeleteKey } from './delete-proof';

describe('deriveDeleteKey', () => {
  it('is HMAC-SHA256 of room + "\\n" + id under the secret, in hex: a key the protocol takes', () => {
    // The same as Node's createHmac('sha256', 'secret').update('global\nid1').digest('hex').
    expect(deriveDeleteKey('secret', 'global', 'id1')).toBe('6ac7883c64707b14e637b928e04c9813716533f21614c8238dd6057ce84c1c2e');
  });

  it('gives every message a key of its own, and none of them tells the secret', () => {
    const secret = 'a'.repeat(43);
    const keys = [
      deriveDeleteKey(secret, 'global', 'm1'),
      deriveDeleteKey(secret, 'global', 'm2'),
      deriveDeleteKey(secret, 'team', 'm1'),
      // Joined by a character neither a room nor an id may contain, so no two messages share an input.
      deriveDeleteKey(secret, 'a', 'b-c'),
      deriveDeleteKey(secret, 'a-b', 'c'),
    ];
    expect(new Set(keys).size).toBe(keys.length);
    for (const key of keys) {
      expect(key).toMatch(/^[0-9a-f]{64}$/);
      expect(key).not.toContain(secret);
    }
    expect(deriveDeleteKey('b'.repeat(43), 'global', 'm1')).not.toBe(keys[0]);
  });
});
