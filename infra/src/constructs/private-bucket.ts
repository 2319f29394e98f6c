import { Construct } from 'constructs';
import { Lazy } from 'cdktf';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketServerSideEncryptionConfigurationA as S3BucketServerSideEncryptionConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import {
  S3BucketLifecycleConfiguration,
  type S3BucketLifecycleConfigurationRule,
} from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { skipCheck } from '../checkov/skip';
import { policyDocument, tlsOnlyStatement, type Statement } from './policy';

export interface PrivateBucketProps {
  bucket: string;
  /** Days after which objects under `expirePrefix` are deleted; 0 keeps them. */
  expireDays: number;
  expirePrefix: string;
  /** Expire only objects carrying this tag (instead of every object under the prefix). */
  expireTag?: { key: string; value: string };
  /**
   * Versioning: keep every overwritten or deleted object for this many days (what was there stays recoverable), or
   * say why objects in this bucket need no version history.
   */
  versioning: { keepNoncurrentDays: number } | { noneBecause: string };
  /** Further prefixes whose objects expire after their own number of days (e.g. uploads never sent). */
  alsoExpire?: { id: string; prefix: string; days: number }[];
}

/**
 * A bucket nobody reaches without IAM: all four Block Public Access settings, owner-enforced objects (no ACLs),
 * default encryption, a TLS-only policy, and a lifecycle that at least cleans up abandoned multipart uploads.
 */
export class PrivateBucket extends Construct {
  readonly bucket: S3Bucket;
  readonly policy: S3BucketPolicy;
  private readonly extraStatements: Statement[] = [];

  constructor(scope: Construct, id: string, props: PrivateBucketProps) {
    super(scope, id);
    // `destroy` empties the bucket with the SDK first; force_destroy stays off so terraform never deletes data on its own.
    this.bucket = new S3Bucket(this, 'bucket', { bucket: props.bucket, forceDestroy: false });
    const b = this.bucket;
    skipCheck(
      b,
      'CKV_AWS_18',
      'Access logging needs a second bucket and its storage; CloudTrail management events cover who changed the bucket.',
    );
    skipCheck(b, 'CKV_AWS_144', 'Cross-region replication doubles storage outside the free tier; the kit is a single-region deployment.');
    skipCheck(b, 'CKV2_AWS_62', 'No process reacts to object events in this bucket; notifications would have no consumer.');
    skipCheck(b, 'CKV_AWS_145', 'SSE-S3 (AES-256) encrypts at rest without the monthly KMS key charge or per-request KMS costs.');
    if ('noneBecause' in props.versioning) skipCheck(b, 'CKV_AWS_21', props.versioning.noneBecause);
    else new S3BucketVersioningA(this, 'versioning', { bucket: b.id, versioningConfiguration: { status: 'Enabled' } });

    new S3BucketPublicAccessBlock(this, 'public-access-block', {
      bucket: b.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    new S3BucketOwnershipControls(this, 'ownership', {
      bucket: b.id,
      rule: { objectOwnership: 'BucketOwnerEnforced' },
    });
    new S3BucketServerSideEncryptionConfiguration(this, 'encryption', {
      bucket: b.id,
      rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' }, bucketKeyEnabled: true }],
    });
    this.policy = new S3BucketPolicy(this, 'policy', {
      bucket: b.id,
      // Lazy: a grant may name a resource created after the bucket (CloudFront's distribution ARN).
      policy: Lazy.stringValue({ produce: () => policyDocument(tlsOnlyStatement(b.arn), ...this.extraStatements) }),
    });

    const rules: S3BucketLifecycleConfigurationRule[] = [
      {
        id: 'abort-incomplete-multipart',
        status: 'Enabled',
        filter: [{ prefix: '' }],
        abortIncompleteMultipartUpload: [{ daysAfterInitiation: 1 }],
      },
    ];
    if (props.expireDays > 0) {
      rules.push({
        id: 'expire-old-objects',
        status: 'Enabled',
        filter: [props.expireTag ? { tag: [props.expireTag] } : { prefix: props.expirePrefix }],
        expiration: [{ days: props.expireDays }],
      });
    }
    if ('keepNoncurrentDays' in props.versioning) {
      rules.push({
        id: 'expire-old-versions',
        status: 'Enabled',
        filter: [{ prefix: '' }],
        noncurrentVersionExpiration: [{ noncurrentDays: props.versioning.keepNoncurrentDays }],
      });
    }
    for (const e of props.alsoExpire ?? []) {
      rules.push({ id: e.id, status: 'Enabled', filter: [{ prefix: e.prefix }], expiration: [{ days: e.days }] });
    }
    new S3BucketLifecycleConfiguration(this, 'lifecycle', { bucket: b.id, rule: rules });
  }

  /** Adds a grant to the bucket policy (which always keeps its TLS-only deny). */
  grant(statement: Statement): void {
    this.extraStatements.push(statement);
  }
}
