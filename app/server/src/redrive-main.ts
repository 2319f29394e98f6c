import { SQSClient } from '@aws-sdk/client-sqs';
import { clientConfig } from './adapters/aws/clients';
import { ConfigError, loadConfig } from './config';
import { redriveDeadLetters } from './redrive';

/** `npm run redrive`: the dead-letter queue back into the main queue, with the server's own settings. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(78);
    }
    throw err;
  }
  if (!config.aws?.deadLetterQueueUrl) {
    console.error('npm run redrive needs the aws-mode settings and DEAD_LETTER_QUEUE_URL (the data stack outputs them all)');
    process.exit(78);
  }
  const sqs = new SQSClient(clientConfig(config.aws, 30_000));
  try {
    const { moved } = await redriveDeadLetters(sqs, config.aws.deadLetterQueueUrl, config.aws.queueUrl);
    console.log(`moved ${moved} message${moved === 1 ? '' : 's'} from the dead-letter queue back to ${config.aws.queueUrl}`);
  } finally {
    sqs.destroy();
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
