import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * HMAC-SHA256 under the deployment's signing secret (the same on every server), one purpose per use so that a
 * signature made for an image link can never pass as an invite's.
 */
export class Signer {
  constructor(private readonly secret: Buffer) {}

  sign(purpose: 'invite' | 'image', data: string): string {
    return createHmac('sha256', this.secret).update(`${purpose}\n${data}`).digest('base64url');
  }

  verify(purpose: 'invite' | 'image', data: string, signature: string): boolean {
    const expected = Buffer.from(this.sign(purpose, data));
    const given = Buffer.from(signature);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }
}
