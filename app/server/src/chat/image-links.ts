import type { Signer } from './signer';

/** Where a stored image key is served: the URL that goes into `imageUrl`. */
export type ImageUrl = (key: string) => string;

/** Open mode: the plain route, relative unless PUBLIC_URL gives the API's origin. */
export const plainImageUrl =
  (publicUrl: string | undefined): ImageUrl =>
  (key) =>
    `${publicUrl ?? ''}/images/${key}`;

/** A link stays valid at least this long after it is handed out. */
const LINK_HOURS = 24;
const HOUR = 3600;

/**
 * Signed-in mode: an `<img>` sends no `Authorization` header, so an image link carries its own proof, an expiring
 * signature, and goes only to those who may read the room (its history and broadcasts). The expiry is rounded up to
 * the hour, so the links of one hour are the same URL and browsers cache them.
 */
export class SignedImageLinks {
  constructor(
    private readonly signer: Signer,
    private readonly now: () => number = Date.now,
  ) {}

  url(publicUrl: string | undefined): ImageUrl {
    return (key) => {
      const exp = (Math.ceil(this.now() / 1000 / HOUR) + LINK_HOURS) * HOUR;
      return `${publicUrl ?? ''}/images/${key}?exp=${exp}&sig=${this.signer.sign('image', `${key}\n${exp}`)}`;
    };
  }

  /** Whether `exp` and `sig` (the query's, unchecked) are a valid, unexpired link to `key`. */
  valid(key: string, exp: unknown, sig: unknown): boolean {
    if (typeof exp !== 'string' || typeof sig !== 'string' || !/^[0-9]{1,12}$/.test(exp)) return false;
    if (Number(exp) * 1000 <= this.now()) return false;
    return this.signer.verify('image', `${key}\n${exp}`, sig);
  }
}
