/**
 * Deletes every object, version and delete marker in a bucket so `destroy` can remove it (force_destroy stays
 * off in the stacks: terraform alone never deletes data). Missing buckets count as already empty.
 */
import { DeleteObjectsCommand, ListObjectVersionsCommand, NoSuchBucket, S3Client, type ObjectIdentifier } from '@aws-sdk/client-s3';

export async function emptyBucket(s3: S3Client, bucket: string, pageSize = 1000): Promise<number> {
  let deleted = 0;
  // Always list from the start: what was listed is deleted, so markers into a shrinking listing are not needed
  // (and S3-compatible servers differ in how they page versions and delete markers together).
  for (;;) {
    let page;
    try {
      page = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, MaxKeys: pageSize }));
    } catch (e) {
      if (e instanceof NoSuchBucket || (e as { name?: string }).name === 'NoSuchBucket') return deleted;
      throw e;
    }
    const objects: ObjectIdentifier[] = [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])]
      .filter((v): v is typeof v & { Key: string } => typeof v.Key === 'string')
      .map((v) => ({ Key: v.Key, VersionId: v.VersionId }));
    if (objects.length === 0) return deleted;
    const res = await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: objects, Quiet: true } }));
    if (res.Errors?.length) {
      const first = res.Errors[0]!;
      throw new Error(`could not delete ${res.Errors.length} objects from ${bucket}, e.g. ${first.Key}: ${first.Code} ${first.Message}`);
    }
    deleted += objects.length;
  }
}
