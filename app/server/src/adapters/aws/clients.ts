import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { AwsSettings } from '../../config';

/**
 * Client settings shared by the SDK clients. Timeouts are explicit: the SDK's default is to wait forever, and a
 * backend that hangs must turn into an `unavailable` answer, not a stuck socket handler.
 */
export function clientConfig(aws: AwsSettings, requestTimeoutMs: number) {
  return {
    region: aws.region,
    ...(aws.endpoint ? { endpoint: aws.endpoint } : {}),
    maxAttempts: 2,
    // Integrity in transit is TLS's job: the SDK's optional body checksums cost CPU on every call for nothing more.
    requestChecksumCalculation: 'WHEN_REQUIRED' as const,
    responseChecksumValidation: 'WHEN_REQUIRED' as const,
    requestHandler: new NodeHttpHandler({
      connectionTimeout: Math.min(2000, requestTimeoutMs),
      requestTimeout: requestTimeoutMs,
      throwOnRequestTimeout: true,
    }),
  };
}
