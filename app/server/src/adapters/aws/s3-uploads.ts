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
import type { ClaimOutcome, ImageResponse, UploadStore } from '../../ports';
import { imageTypeOfKey, looksLike, SIGNATURE_BYTES } from '../image-signature';
import type { AwsUsage } from './aws-usage';
import { clientConfig } from './clients';
import { PENDING_UPLOAD_PREFIX } from './iam';
import { s3UploadOrigins } from './s3-origins';

const UPLOAD_EXPIRES_S = 300;
const IMAGE_URL_EXPIRES_S = 3600;
/** User metadata naming the message that claimed the image (`x-amz-meta-owner`). */
const OWNER_METADATA = 'owner';

/**
 * The bucket stays private: browsers upload with a presigned POST, whose policy makes S3 itself refuse a body over
 * the cap or of another type, and read through a short-lived presigned GET the server redirects to.
 */
export class S3Uploads implements UploadStore {
  private readonly client: S3Client;

  constructor(
    private readonly aws: AwsSettings,
    timeoutMs: number,
    usage?: AwsUsage,
  ) {
    this.client = new S3Client({ ...clientConfig(aws, timeoutMs), forcePathStyle: aws.endpoint !== undefined });
    usage?.attach('s3', this.client);
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
    return (await this.head(key)) !== undefined;
  }

  async claim(key: string, owner: string): Promise<ClaimOutcome> {
    const ownedBy = (found: { owner?: string }) => (found.owner === owner ? ('claimed' as const) : ('taken' as const));
    const claimed = await this.head(key);
    if (claimed) return ownedBy(claimed);
    const pending = PENDING_UPLOAD_PREFIX + key;
    // S3 checked the size and the declared type; only the bytes say whether it is that image.
    const type = imageTypeOfKey(key);
    const first = await this.firstBytes(pending);
    if (first === undefined || type === undefined) return 'missing';
    if (!looksLike(type, first)) {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.aws.uploadsBucket, Key: pending })).catch(() => {});
      return 'not_an_image';
    }
    try {
      // Same bucket; keys are never reused. The owner travels as the object's metadata.
      await this.client.send(
        new CopyObjectCommand({
          Bucket: this.aws.uploadsBucket,
          Key: key,
          CopySource: `${this.aws.uploadsBucket}/${pending}`,
          MetadataDirective: 'REPLACE',
          ContentType: type,
          Metadata: { [OWNER_METADATA]: owner },
          // Only the first claim writes: S3 refuses a copy onto a key that exists (412, or 409 while one is in flight).
          IfNoneMatch: '*',
        }),
      );
    } catch (err) {
      if (!isMissing(err) && !isConflict(err)) throw err;
      // Claimed meanwhile (the pending copy is gone once claimed), or never uploaded.
      const now = await this.head(key);
      return now ? ownedBy(now) : 'missing';
    }
    // Read back, not assumed: whoever reads the key sees the one owner S3 kept.
    const now = await this.head(key);
    if (!now) return 'missing';
    // The pending copy would expire anyway; deleting it now just stops paying for it twice.
    await this.client.send(new DeleteObjectCommand({ Bucket: this.aws.uploadsBucket, Key: pending })).catch(() => {});
    return ownedBy(now);
  }

  /** A claimed image's owner, or undefined when `key` is not there. */
  private async head(key: string): Promise<{ owner?: string } | undefined> {
    try {
      const res = await this.client.send(new HeadObjectCommand({ Bucket: this.aws.uploadsBucket, Key: key }));
      const owner = res.Metadata?.[OWNER_METADATA];
      return owner === undefined ? {} : { owner };
    } catch (err) {
      if (isMissing(err)) return undefined;
      throw err;
    }
  }

  private async firstBytes(key: string): Promise<Buffer | undefined> {
    try {
      const res = await this.client.send(
        new GetObjectCommand({ Bucket: this.aws.uploadsBucket, Key: key, Range: `bytes=0-${SIGNATURE_BYTES - 1}` }),
      );
      return Buffer.from(await res.Body!.transformToByteArray());
    } catch (err) {
      if (isMissing(err)) return undefined;
      throw err;
    }
  }

  async image(key: string): Promise<ImageResponse> {
    const url = await getSignedUrl(this.client, new GetObjectCommand({ Bucket: this.aws.uploadsBucket, Key: key }), {
      expiresIn: IMAGE_URL_EXPIRES_S,
    });
    return { kind: 'redirect', url };
  }

  async remove(key: string, owner: string): Promise<void> {
    const found = await this.head(key);
    // An image claimed before owners were recorded has none: its one message may remove it.
    if (!found || (found.owner !== undefined && found.owner !== owner)) return;
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

function isConflict(err: unknown): boolean {
  const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return status === 412 || status === 409;
}

function isMissing(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e.name === 'NotFound' || e.name === 'NoSuchKey' || e.$metadata?.httpStatusCode === 404;
}
