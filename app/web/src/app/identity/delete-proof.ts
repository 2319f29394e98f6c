import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';

/**
 * The `deleteKey` of one message: HMAC-SHA256 of `room + "\n" + id` under this browser's secret, in hex (64 of
 * `[0-9a-f]`, which the protocol's key rule takes). The server stores its hash and checks a delete against it, so a
 * frame that leaks this key can delete that one message, not everything the browser ever sent.
 *
 * @noble/hashes rather than Web Crypto, which a page served over plain http has not (`crypto.subtle` needs a
 * secure context): one code path everywhere. A lazy chunk of its own, imported by `messageDeleteKey`, that imports
 * nothing of the app's.
 */
export function deriveDeleteKey(secret: string, room: string, id: string): string {
  return bytesToHex(hmac(sha256, utf8ToBytes(secret), utf8ToBytes(`${room}\n${id}`)));
}
