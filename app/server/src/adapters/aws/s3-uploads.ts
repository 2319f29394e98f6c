import {
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { ImageContentType, UploadUrlResponse } from '@chat/protocol';
import type { AwsSettings } from '../../config';
import type { ImageResponse, UploadStore } from '../../ports';
import { clientConfig } from './clients';
import { PENDING_UPLOAD_PREFIX } from './iam';
import { s3UploadOrigins } from './s3-origins';

const UPLOAD_EXPIRES_S = 300;
const IMAGE_URL_EXPIRES_S = 3600;

/**
 * The bucket stays private: browsers upload with a presigned POST, whose policy makes S3 itself refuse a body over
 * the cap or of another type, and read through a short-lived presigned GET the server redirects to.
 */
export class S3Uploads implements UploadStore {
  private readonly client: S3Client;

  constructor(
    private readonly aws: AwsSettings,
    timeoutMs: number,
  ) {
    this.client = new S3Client({ ...clientConfig(aws, timeoutMs), forcePathStyle: aws.endpoint !== undefined });
  }

  async createUpload(key: string, contentType: ImageContentType, maxBytes: number): Promise<UploadUrlResponse> {
    const { url, fields } = await createPresignedPost(this.client, {
      Bucket: this.aws.uploadsBucket,
      // Pending until a message uses it (claim); the bucket's lifecycle expires what is never sent.
      Key: PENDING_UPLOAD_PREFIX + key,
      Conditions: [
        ['content-length-range', 1, maxBytes],
        ['eq', '$Content-Type', contentType],
      ],
      Fields: { 'Content-Type': contentType },
      Expires: UPLOAD_EXPIRES_S,
    });
    return { method: 'POST', url, fields, key, expiresIn: UPLOAD_EXPIRES_S, maxBytes };
  }

  async exists(key: string): Promise<boolean> {
    return this.has(key);
  }

  async claim(key: string): Promise<boolean> {
    if (await this.has(key)) return true;
    const pending = PENDING_UPLOAD_PREFIX + key;
    try {
      // Same bucket, same metadata (Content-Type); keys are never reused, so nothing is overwritten.
      await this.client.send(
        new CopyObjectCommand({ Bucket: this.aws.uploadsBucket, Key: key, CopySource: `${this.aws.uploadsBucket}/${pending}` }),
      );
    } catch (err) {
      if (isMissing(err)) return false;
      throw err;
    }
    // The pending copy would expire anyway; deleting it now just stops paying for it twice.
    await this.client.send(new DeleteObjectCommand({ Bucket: this.aws.uploadsBucket, Key: pending })).catch(() => {});
    return true;
  }

  private async has(key: string): Promise<boolean> {
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.aws.uploadsBucket, Key: key }));
      return true;
    } catch (err) {
      if (isMissing(err)) return false;
      throw err;
    }
  }

  async image(key: string): Promise<ImageResponse> {
    const url = await getSignedUrl(this.client, new GetObjectCommand({ Bucket: this.aws.uploadsBucket, Key: key }), {
      expiresIn: IMAGE_URL_EXPIRES_S,
    });
    return { kind: 'redirect', url };
  }

  async remove(key: string): Promise<void> {
    // S3 answers 204 whether or not the object was there.
    await this.client.send(new DeleteObjectCommand({ Bucket: this.aws.uploadsBucket, Key: key }));
  }

  origins(): string[] {
    if (this.aws.endpoint) return [new URL(this.aws.endpoint).origin];
    return s3UploadOrigins(this.aws.uploadsBucket, this.aws.region);
  }

  async ping(): Promise<void> {
    await this.client.send(new HeadBucketCommand({ Bucket: this.aws.uploadsBucket }));
  }

  async close(): Promise<void> {
    this.client.destroy();
  }
}

function isMissing(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e.name === 'NotFound' || e.name === 'NoSuchKey' || e.$metadata?.httpStatusCode === 404;
}
