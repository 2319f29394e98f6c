import { createChatResources, MOTO_CREDENTIALS, MOTO_REGION, type ChatResourceOptions, type ChatResources } from '@chat/local-aws';
import { chatResourceShape } from '../../src';

export { startMoto, type Moto } from '@chat/local-aws';

export const TEST_REGION = MOTO_REGION;

/** Credentials moto accepts; set before any SDK client reads the environment. */
export function useFakeCredentials(): void {
  process.env['AWS_ACCESS_KEY_ID'] = MOTO_CREDENTIALS.accessKeyId;
  process.env['AWS_SECRET_ACCESS_KEY'] = MOTO_CREDENTIALS.secretAccessKey;
  delete process.env['AWS_PROFILE'];
  delete process.env['AWS_SESSION_TOKEN'];
}

/** A fresh queue, table and bucket, named uniquely so tests sharing one moto never see each other's data. */
export async function createResources(endpoint: string, name: string, opts: ChatResourceOptions = {}): Promise<ChatResources> {
  useFakeCredentials();
  return createChatResources(endpoint, name, chatResourceShape, opts);
}
