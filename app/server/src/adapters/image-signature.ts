import { IMAGE_KEY_PATTERN, IMAGE_TYPES, type ImageContentType } from '@chat/protocol';

/** How many first bytes `looksLike` needs. */
export const SIGNATURE_BYTES = 12;

/** The image type a key was issued for (its extension); undefined for what is not an image key. */
export function imageTypeOfKey(key: string): ImageContentType | undefined {
  const ext = IMAGE_KEY_PATTERN.exec(key)?.[3];
  return (Object.keys(IMAGE_TYPES) as ImageContentType[]).find((t) => IMAGE_TYPES[t] === ext);
}

/** The first bytes of each accepted image type, so an upload cannot store HTML or script under an image's name. */
export function looksLike(contentType: ImageContentType, head: Buffer): boolean {
  switch (contentType) {
    case 'image/png':
      return head.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    case 'image/jpeg':
      return head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff;
    case 'image/gif':
      return head.subarray(0, 6).toString('latin1') === 'GIF87a' || head.subarray(0, 6).toString('latin1') === 'GIF89a';
    case 'image/webp':
      return head.subarray(0, 4).toString('latin1') === 'RIFF' && head.subarray(8, 12).toString('latin1') === 'WEBP';
  }
}
