/**
 * The origins a browser reaches the uploads bucket at (presigned POST uploads, presigned GET images): the bucket's
 * virtual-hosted name and the regional path-style endpoint. Defined once: the server's own CSP lists them, and so
 * does the CSP CloudFront adds to the site's files (infra's web stack).
 */
export function s3UploadOrigins(bucket: string, region: string): string[] {
  return [`https://${bucket}.s3.${region}.amazonaws.com`, `https://s3.${region}.amazonaws.com`];
}
