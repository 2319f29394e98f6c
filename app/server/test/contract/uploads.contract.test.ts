import fs from 'node:fs';
import { ulid } from 'ulid';
import type { UploadUrlResponse } from '@chat/protocol';
import type { UploadStore } from '../../src/ports';
import { PNG_1X1, pngOfSize } from '../support/images';
import { upload } from '../support/uploads';
import { ADAPTERS, AdapterBackend } from './adapters';

const key = () => `rooms/r/${ulid()}.png`;

/** What a browser would get for the image now: its type and bytes, or undefined when it is not served. */
async function served(uploads: UploadStore, k: string): Promise<{ type: string; bytes: Buffer } | undefined> {
  const image = await uploads.image(k);
  if (image.kind === 'missing') return undefined;
  if (image.kind === 'file') {
    const bytes = await fs.promises.readFile(image.path).catch(() => undefined);
    return bytes && { type: image.contentType, bytes };
  }
  const res = await fetch(image.url);
  if (!res.ok) return undefined;
  return { type: res.headers.get('content-type') ?? '', bytes: Buffer.from(await res.arrayBuffer()) };
}

/**
 * The UploadStore port: the same cases against files on disk (embedded) and S3 (moto). An upload is pending until a
 * message claims it; only a claimed image is served; claims and removals are idempotent (sends and deletes retry); an
 * image belongs to the message that first claimed it.
 */
describe.each(ADAPTERS)('UploadStore contract: %s', (kind) => {
  const backend = new AdapterBackend(kind);
  let uploads: UploadStore;
  let origin: string;
  beforeAll(() => backend.setup(), 60_000);
  afterAll(() => backend.teardown());
  beforeEach(async () => {
    ({ uploads, origin } = await backend.uploads());
  });

  const put = async (target: UploadUrlResponse, body: Buffer) => {
    const res = await upload(origin, target, body);
    expect(res.status).toBeGreaterThanOrEqual(200);
    expect(res.status).toBeLessThan(300);
  };

  test('an upload URL names the key, its expiry and the cap; the browser needs nothing else', async () => {
    const k = key();
    const target = await uploads.createUpload(k, 'image/png', 1000);
    expect(target).toMatchObject({ key: k, maxBytes: 1000, expiresIn: expect.any(Number) });
    expect(target.expiresIn).toBeGreaterThan(0);
    expect(['PUT', 'POST']).toContain(target.method);
    expect(() => new URL(target.url, origin)).not.toThrow();
  });

  test('an uploaded image is pending: not there, not served, until a message claims it; then served as uploaded', async () => {
    const k = key();
    const body = pngOfSize(300);
    await put(await uploads.createUpload(k, 'image/png', 1000), body);
    expect(await uploads.exists(k)).toBe(false);
    expect(await served(uploads, k)).toBeUndefined();

    expect(await uploads.claim(k, 'r/m1')).toBe('claimed');
    expect(await uploads.exists(k)).toBe(true);
    expect(await served(uploads, k)).toEqual({ type: 'image/png', bytes: body });
  });

  test('claiming again is a no-op (a retried send); a key nobody uploaded cannot be claimed', async () => {
    const k = key();
    await put(await uploads.createUpload(k, 'image/png', 1000), PNG_1X1);
    expect(await uploads.claim(k, 'r/m1')).toBe('claimed');
    expect(await uploads.claim(k, 'r/m1')).toBe('claimed');
    expect(await served(uploads, k)).toEqual({ type: 'image/png', bytes: PNG_1X1 });

    const never = key();
    expect(await uploads.claim(never, 'r/m2')).toBe('missing');
    expect(await uploads.exists(never)).toBe(false);
    // An upload URL that was handed out but never used is nothing to claim either.
    const unused = key();
    await uploads.createUpload(unused, 'image/png', 1000);
    expect(await uploads.claim(unused, 'r/m3')).toBe('missing');
  });

  test('an image belongs to the message that first claimed it: another message cannot claim it, nor remove it', async () => {
    const k = key();
    await put(await uploads.createUpload(k, 'image/png', 1000), PNG_1X1);
    expect(await uploads.claim(k, 'r/first')).toBe('claimed');
    expect(await uploads.claim(k, 'r/repost')).toBe('taken');
    expect(await uploads.claim(k, 'other/first')).toBe('taken');
    // Deleting the repost (or anything else) leaves the image where its message shows it.
    await uploads.remove(k, 'r/repost');
    expect(await served(uploads, k)).toEqual({ type: 'image/png', bytes: PNG_1X1 });
    // Its own message still holds it (a retry), and removes it.
    expect(await uploads.claim(k, 'r/first')).toBe('claimed');
    await uploads.remove(k, 'r/first');
    expect(await served(uploads, k)).toBeUndefined();
  });

  test('two messages racing for one pending key: exactly one owns it', async () => {
    const k = key();
    await put(await uploads.createUpload(k, 'image/png', 1000), PNG_1X1);
    const outcomes = await Promise.all(['r/a', 'r/b', 'r/c'].map((owner) => uploads.claim(k, owner)));
    expect(outcomes.filter((o) => o === 'claimed')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'taken')).toHaveLength(2);
  });

  test('an upload whose bytes are not the image type it was issued for is never claimed nor served', async () => {
    const k = key();
    // Embedded refuses it as it arrives; S3 stores what the presigned POST allowed, and the claim reads its first bytes.
    await upload(origin, await uploads.createUpload(k, 'image/png', 1000), Buffer.from('<html><script>alert(1)</script></html>'));
    expect(['missing', 'not_an_image']).toContain(await uploads.claim(k, 'r/m1'));
    expect(await uploads.exists(k)).toBe(false);
    expect(await served(uploads, k)).toBeUndefined();
  });

  test('keys are separate: claiming one leaves another pending', async () => {
    const [a, b] = [key(), key()];
    await put(await uploads.createUpload(a, 'image/png', 1000), pngOfSize(100));
    await put(await uploads.createUpload(b, 'image/png', 1000), pngOfSize(200));
    expect(await uploads.claim(a, 'r/m1')).toBe('claimed');
    expect(await uploads.exists(b)).toBe(false);
    expect((await served(uploads, a))?.bytes).toHaveLength(100);
    expect(await served(uploads, b)).toBeUndefined();
  });

  test('remove takes a claimed image away; removing again, or what never was, is no error', async () => {
    const k = key();
    await put(await uploads.createUpload(k, 'image/png', 1000), PNG_1X1);
    await uploads.claim(k, 'r/m1');
    await uploads.remove(k, 'r/m1');
    expect(await uploads.exists(k)).toBe(false);
    expect(await served(uploads, k)).toBeUndefined();
    await expect(uploads.remove(k, 'r/m1')).resolves.toBeUndefined();
    await expect(uploads.remove(key(), 'r/m1')).resolves.toBeUndefined();
    // Removed is removed: the claim that made it permanent cannot bring it back.
    expect(await uploads.claim(k, 'r/m1')).toBe('missing');
  });

  test('ping answers while the storage is reachable; origins are what a Content-Security-Policy can list', async () => {
    await expect(uploads.ping()).resolves.toBeUndefined();
    for (const o of uploads.origins()) expect(new URL(o).origin).toBe(o);
  });
});
