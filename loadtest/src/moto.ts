/**
 * aws mode without AWS: a moto server on a free loopback port with the queue, table and bucket the chat server
 * needs, created through the AWS SDK exactly as the infra would shape them.
 */
import { createChatResources, ensureVenv, MOTO_CREDENTIALS, startMoto } from '@chat/local-aws';
import { chatResourceShape } from '@chat/server';

export interface MotoBackend {
  endpoint: string;
  /** Settings that put the chat server in aws mode against this moto. */
  env: Record<string, string>;
  /** Freeze moto (SIGSTOP): every SQS and DynamoDB call hangs until `resume`. */
  pause(): void;
  resume(): void;
  stop(): Promise<void>;
}

/** The commands' moto (load test, socket memory, chaos): `.venv` with moto is created first when missing. */
export async function startMotoBackend(logFile: string): Promise<MotoBackend> {
  ensureVenv('moto');
  const moto = await startMoto({ logFile, atomicDynamo: true });
  try {
    const resources = await createChatResources(moto.endpoint, `chat-loadtest-${Date.now().toString(36)}`, chatResourceShape);
    return {
      endpoint: moto.endpoint,
      env: {
        ...resources,
        AWS_ACCESS_KEY_ID: MOTO_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: MOTO_CREDENTIALS.secretAccessKey,
      },
      pause: moto.pause,
      resume: moto.resume,
      stop: moto.stop,
    };
  } catch (err) {
    await moto.stop();
    throw err;
  }
}
