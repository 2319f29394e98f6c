import {
  CreateBucketCommand,
  DeleteObjectCommand,
  ListObjectVersionsCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { MOTO_CREDENTIALS, MOTO_REGION, startMoto, type Moto } from '@chat/local-aws';
import { emptyBucket } from '../src/deploy/empty-bucket';

/** destroy's bucket emptying, against a real S3-compatible server (moto, from the test set-up's venv). */

describe('emptyBucket (destroy)', () => {
  let moto: Moto;
  let s3: S3Client;

  beforeAll(async () => {
    moto = await startMoto();
    s3 = new S3Client({ region: MOTO_REGION, endpoint: moto.endpoint, forcePathStyle: true, credentials: MOTO_CREDENTIALS });
  });

  afterAll(async () => {
    s3?.destroy();
    await moto?.stop();
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
