import { spawn, type ChildProcess } from 'node:child_process';
import * as net from 'node:net';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  ListObjectVersionsCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { findVenvTool } from '../src/checkov-scan';
import { emptyBucket } from '../src/empty-bucket';

/** destroy's bucket emptying, against a real S3-compatible server (moto, from the test set-up's venv). */

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

async function waitForHttp(url: string, ms: number): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    try {
      await fetch(url);
      return;
    } catch (e) {
      if (Date.now() > until) throw new Error(`moto did not start at ${url}: ${String(e)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

describe('emptyBucket (destroy)', () => {
  let moto: ChildProcess;
  let s3: S3Client;

  beforeAll(async () => {
    const port = await freePort();
    moto = spawn(findVenvTool('moto_server'), ['-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
    const endpoint = `http://127.0.0.1:${port}`;
    await waitForHttp(endpoint, 20000);
    s3 = new S3Client({
      region: 'us-east-1',
      endpoint,
      forcePathStyle: true,
      credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    });
  });

  afterAll(async () => {
    s3?.destroy();
    if (moto && moto.exitCode === null) {
      const exited = new Promise((r) => moto.once('exit', r));
      moto.kill('SIGTERM');
      await exited;
    }
  });

  test('removes every object, old version and delete marker, across pages', async () => {
    const Bucket = 'chat-uploads-test';
    await s3.send(new CreateBucketCommand({ Bucket }));
    await s3.send(new PutBucketVersioningCommand({ Bucket, VersioningConfiguration: { Status: 'Enabled' } }));
    for (const key of ['rooms/global/a.png', 'rooms/global/b.png', 'rooms/x/c.jpg']) {
      await s3.send(new PutObjectCommand({ Bucket, Key: key, Body: 'v1' }));
    }
    await s3.send(new PutObjectCommand({ Bucket, Key: 'rooms/global/a.png', Body: 'v2' }));
    await s3.send(new DeleteObjectCommand({ Bucket, Key: 'rooms/x/c.jpg' }));

    // a.png ×2 versions, b.png, c.jpg and its delete marker: 5 entries, over 3 pages of 2.
    expect(await emptyBucket(s3, Bucket, 2)).toBe(5);
    const after = await s3.send(new ListObjectVersionsCommand({ Bucket }));
    expect(after.Versions ?? []).toEqual([]);
    expect(after.DeleteMarkers ?? []).toEqual([]);
  });

  test('a bucket that does not exist (never deployed, or already gone) counts as empty', async () => {
    await expect(emptyBucket(s3, 'chat-no-such-bucket')).resolves.toBe(0);
  });
});
