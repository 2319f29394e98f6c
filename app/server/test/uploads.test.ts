import fs from 'node:fs';
import path from 'node:path';
import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { RunningServer } from '../src';
import { TestBackend, MODES } from './support/backends';
import { ChatClient } from './support/chat-client';
import { PNG_1X1, pngOfSize } from './support/images';
import { upload, uploadUrl } from './support/uploads';

describe.each(MODES)('uploads in %s mode', (mode) => {
  const backend = new TestBackend(mode);
  let server: RunningServer;
  beforeAll(async () => {
    await backend.setup();
    server = await backend.start(await backend.env({ MAX_UPLOAD_BYTES: '1000' }));
  });
  afterAll(() => backend.teardown());

  test('the server picks the key; the filename never becomes a path', async () => {
    const { status, body } = await uploadUrl(server.url, 'filename=../../etc/passwd%00.png&contentType=image/png&size=10&room=cats');
    expect(status).toBe(200);
    expect(body.key).toMatch(/^rooms\/cats\/[0-9A-HJKMNP-TV-Z]{26}\.png$/);
    expect(JSON.stringify(body)).not.toContain('passwd');
    expect(body.method).toBe(mode === 'moto' ? 'POST' : 'PUT');
  });

  test.each([
    ['contentType=text/html&filename=x.html&size=10', 400, 'invalid'],
    ['contentType=image/svg%2Bxml&filename=x.svg&size=10', 400, 'invalid'],
    ['contentType=image/png&filename=x.png&size=1001', 413, 'too_large'],
    ['contentType=image/png&filename=x.png&size=0', 400, 'invalid'],
    ['contentType=image/png&size=10', 400, 'invalid'],
    ['contentType=image/png&filename=x.png&size=10&room=..', 400, 'invalid'],
  ])('GET /upload-url?%s → %i %s', async (query, status, code) => {
    const res = await uploadUrl(server.url, query);
    expect(res.status).toBe(status);
    expect(res.body.error?.code).toBe(code);
  });

  test('an uploaded image can be sent, and its imageUrl serves the bytes', async () => {
    const { body: target } = await uploadUrl(server.url, 'filename=cat.png&contentType=image/png&size=' + PNG_1X1.length);
    const put = await upload(server.url, target, PNG_1X1);
    expect(put.status).toBeLessThan(300);

    const client = await ChatClient.connect(server.url);
    const ack = await client.send({ id: 'img-1', author: 'ann', image: { key: target.key } });
    expect(ack).toMatchObject({ ok: true });
    await client.waitFor((r) => r.length === 1);
    const message = client.received[0]!;
    expect(message.text).toBeUndefined();
    expect(message.imageUrl).toBe(`/images/${target.key}`);
    const image = await fetch(new URL(message.imageUrl!, server.url));
    expect(image.status).toBe(200);
    expect(Buffer.from(await image.arrayBuffer())).toEqual(PNG_1X1);
    client.close();
  });

  test('the size cap is part of what the storage checks', async () => {
    const { body: target } = await uploadUrl(server.url, 'filename=big.png&contentType=image/png&size=900');
    if (mode === 'embedded') {
      // The storage itself refuses the body, whatever size was declared when asking for the URL.
      const res = await upload(server.url, target, pngOfSize(5000));
      expect(res.status).toBe(413);
      expect((await fetch(`${server.url}/images/${target.key}`)).status).toBe(404);
    } else {
      // moto does not evaluate POST policies; S3 does. Check the signed policy carries the cap and the type.
      const policy = JSON.parse(Buffer.from(target.fields!['Policy']!, 'base64').toString('utf8')) as { conditions: unknown[] };
      expect(policy.conditions).toContainEqual(['content-length-range', 1, 1000]);
      expect(policy.conditions).toContainEqual(['eq', '$Content-Type', 'image/png']);
      // Uploaded as pending: only a message moves it to its key (see 'pending uploads' below).
      expect(policy.conditions).toContainEqual({ key: `pending/${target.key}` });
    }
  });

  if (mode === 'embedded') {
    test('the storage refuses a body that is not the declared image type', async () => {
      const { body: target } = await uploadUrl(server.url, 'filename=x.png&contentType=image/png&size=30');
      const res = await upload(server.url, target, Buffer.from('<html><script>alert(1)</script></html>'));
      expect(res.status).toBe(400);
    });

    test('a tampered or re-typed upload URL is refused', async () => {
      const { body: target } = await uploadUrl(server.url, 'filename=x.png&contentType=image/png&size=30');
      const forged = { ...target, url: target.url.replace(/max=\d+/, 'max=999999') };
      expect((await upload(server.url, forged, PNG_1X1)).status).toBe(403);
      // Same length, other bytes: a signature of multi-byte characters is refused, not a crash.
      const mangled = {
        ...target,
        url: target.url.replace(/sig=([^&]+)/, (_m, sig: string) => `sig=${encodeURIComponent('é'.repeat(sig.length))}`),
      };
      expect((await upload(server.url, mangled, PNG_1X1)).status).toBe(403);
      const retyped = { ...target, headers: { 'Content-Type': 'image/gif' } };
      expect((await upload(server.url, retyped, PNG_1X1)).status).toBe(403);
      expect((await upload(server.url, target, PNG_1X1)).status).toBe(201);
      expect((await upload(server.url, target, PNG_1X1)).status).toBe(409);
    });

    test('images are served inert: their own type, nosniff, a sandboxing CSP', async () => {
      const { body: target } = await uploadUrl(server.url, 'filename=x.png&contentType=image/png&size=70');
      await upload(server.url, target, PNG_1X1);
      const client = await ChatClient.connect(server.url);
      expect(await client.send({ id: 'inert-1', author: 'ann', image: { key: target.key } })).toMatchObject({ ok: true });
      client.close();
      const res = await fetch(`${server.url}/images/${target.key}`);
      expect(res.headers.get('content-type')).toBe('image/png');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('content-security-policy')).toContain('sandbox');
    });
  } else {
    test('imageUrl redirects to a short-lived presigned GET of the private object', async () => {
      const { body: target } = await uploadUrl(server.url, 'filename=cat.png&contentType=image/png&size=70');
      expect((await upload(server.url, target, PNG_1X1)).status).toBeLessThan(300);
      const res = await fetch(`${server.url}/images/${target.key}`, { redirect: 'manual' });
      expect(res.status).toBe(302);
      expect(res.headers.get('location')).toMatch(/X-Amz-Signature=/);
    });
  }
});

/** Uploads that cannot run up the bill: pending until a message uses them, expired otherwise; a disk quota. */
describe('pending uploads', () => {
  const backend = new TestBackend('embedded');
  beforeAll(() => backend.setup());
  afterAll(() => backend.teardown());

  test('embedded: an image uploaded but never sent expires; a sent one stays; neither is served before it is sent', async () => {
    const env = await backend.env({ PENDING_UPLOAD_HOURS: '1' });
    let server = await backend.start(env);
    const ask = async () => (await uploadUrl(server.url, `filename=a.png&contentType=image/png&size=${PNG_1X1.length}`)).body;
    const sent = await ask();
    const unsent = await ask();
    expect((await upload(server.url, sent, PNG_1X1)).status).toBe(201);
    expect((await upload(server.url, unsent, PNG_1X1)).status).toBe(201);
    expect((await fetch(`${server.url}/images/${unsent.key}`)).status).toBe(404);
    const client = await ChatClient.connect(server.url);
    expect(await client.send({ id: 'kept', author: 'ann', image: { key: sent.key } })).toMatchObject({ ok: true });
    // A retry of the same message claims the same image again: still fine.
    expect(await client.send({ id: 'kept', author: 'ann', image: { key: sent.key } })).toMatchObject({ ok: true });
    client.close();
    await server.close();

    // Two hours pass (file times moved back), then the server starts again and sweeps.
    const uploads = path.join(env['DATA_DIR']!, 'uploads');
    const old = new Date(Date.now() - 2 * 3600 * 1000);
    // Images, pending or claimed; beside them, under owners/, the record of which message claimed each.
    const images = () =>
      fs
        .readdirSync(uploads, { recursive: true, withFileTypes: true })
        .filter((e) => e.isFile() && !path.relative(uploads, e.parentPath).startsWith('owners'));
    const files = images();
    expect(files.length).toBe(2);
    for (const f of files) fs.utimesSync(path.join(f.parentPath, f.name), old, old);
    server = await backend.start(env);

    expect((await fetch(`${server.url}/images/${sent.key}`)).status).toBe(200);
    const late = await ChatClient.connect(server.url);
    expect(await late.send({ id: 'too-late', author: 'ann', image: { key: unsent.key } })).toMatchObject({
      ok: false,
      error: { code: 'invalid', message: 'image.key: nothing was uploaded under this key' },
    });
    late.close();
    expect(images().map((f) => f.name)).toEqual([path.basename(sent.key)]);
  });

  test('embedded: past UPLOADS_QUOTA_BYTES an upload is refused, and nothing of it is kept', async () => {
    const server = await backend.start(
      await backend.env({ UPLOADS_QUOTA_BYTES: String(1024 * 1024), MAX_UPLOAD_BYTES: String(700 * 1024) }),
    );
    const put = async (bytes: number) => {
      const { body } = await uploadUrl(server.url, `filename=a.png&contentType=image/png&size=${bytes}`);
      return upload(server.url, body, pngOfSize(bytes));
    };
    expect((await put(600 * 1024)).status).toBe(201);
    const full = await put(600 * 1024);
    expect(full.status).toBe(507);
    expect(await full.json()).toMatchObject({ error: { code: 'unavailable', message: 'upload storage is full; try again later' } });
    expect((await put(100 * 1024)).status).toBe(201);
  });
});

describe('pending uploads (moto)', () => {
  const backend = new TestBackend('moto');
  beforeAll(() => backend.setup());
  afterAll(() => backend.teardown());

  test('an upload lands under pending/; sending it moves it to its key and removes the pending copy', async () => {
    const env = await backend.env();
    const server = await backend.start(env);
    const { body: target } = await uploadUrl(server.url, `filename=a.png&contentType=image/png&size=${PNG_1X1.length}`);
    expect((await upload(server.url, target, PNG_1X1)).status).toBeLessThan(300);
    const s3 = new S3Client({ region: env['AWS_REGION'], endpoint: env['AWS_ENDPOINT_URL'], forcePathStyle: true });
    const has = (Key: string) =>
      s3.send(new HeadObjectCommand({ Bucket: env['UPLOADS_BUCKET'], Key })).then(
        (h) => h.ContentType,
        () => undefined,
      );
    try {
      expect(await has(`pending/${target.key}`)).toBe('image/png');
      expect(await has(target.key)).toBeUndefined();
      const client = await ChatClient.connect(server.url);
      expect(await client.send({ id: 'moved', author: 'ann', image: { key: target.key } }, 60_000)).toMatchObject({ ok: true });
      client.close();
      expect(await has(target.key)).toBe('image/png');
      expect(await has(`pending/${target.key}`)).toBeUndefined();
    } finally {
      s3.destroy();
    }
  }, 90_000);
});
