import path from 'node:path';
import { SQSClient } from '@aws-sdk/client-sqs';
import { commandLine, runMain } from '@chat/cli';
import { clientConfig } from './adapters/aws/clients';
import { redriveDeadLetters } from './redrive';
import { REDRIVE_COMMAND, redriveError, redriveSettings } from './redrive-settings';

/** `npm run redrive`: the dead-letter queue back into the main queue, with the server's settings or the deploy's outputs. */
async function main(): Promise<void> {
  const options = commandLine(process.argv.slice(2), REDRIVE_COMMAND);
  // npm runs workspace scripts in the workspace: a relative --outputs means the caller's directory (INIT_CWD).
  const given = options['outputs'];
  const outputsFile = typeof given === 'string' ? path.resolve(process.env['INIT_CWD'] ?? process.cwd(), given) : undefined;
  const { aws, fromOutputs } = redriveSettings(process.env, outputsFile);
  if (fromOutputs.length > 0) console.log(`settings from ${outputsFile ?? 'infra/outputs.json'}: ${fromOutputs.join(', ')}`);
  const sqs = new SQSClient(clientConfig(aws, 30_000));
  try {
    const { moved } = await redriveDeadLetters(sqs, aws.deadLetterQueueUrl, aws.queueUrl).catch((err: unknown) => {
      throw redriveError(err, aws);
    });
    console.log(`moved ${moved} message${moved === 1 ? '' : 's'} from the dead-letter queue back to ${aws.queueUrl}`);
  } finally {
    sqs.destroy();
  }
}

runMain(main);
