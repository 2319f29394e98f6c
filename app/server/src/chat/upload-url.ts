import { ulid } from 'ulid';
import { IMAGE_TYPES, parseWith, uploadUrlQuerySchema, type ErrorBody, type UploadUrlResponse } from '@chat/protocol';
import type { UploadStore } from '../ports';
import { withTimeout } from '../util/timeout';

/**
 * `GET /upload-url`: the server picks the key (room, a ULID, the extension of the declared type); the uploader's
 * filename is only checked, never used in a path.
 */
export async function createUploadUrl(
  uploads: UploadStore,
  query: unknown,
  maxBytes: number,
  timeoutMs: number,
  /** Signed-in mode: whether the requester may post to `room` (an error when not). */
  mayPost?: (room: string) => Promise<ErrorBody | undefined>,
): Promise<{ ok: true; value: UploadUrlResponse } | { ok: false; error: ErrorBody }> {
  const parsed = parseWith(uploadUrlQuerySchema, query);
  if (!parsed.ok) return parsed;
  const { contentType, size, room } = parsed.value;
  const refused = await mayPost?.(room);
  if (refused) return { ok: false, error: refused };
  if (size > maxBytes) return { ok: false, error: { code: 'too_large', message: `size: at most ${maxBytes} bytes` } };
  const key = `rooms/${room}/${ulid()}.${IMAGE_TYPES[contentType]}`;
  return { ok: true, value: await withTimeout(uploads.createUpload(key, contentType, maxBytes), timeoutMs, 'uploads') };
}
