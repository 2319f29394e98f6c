import { CliError, OUTPUTS_FILE, withOutputs, type CommandSpec } from '@chat/cli';
import { ConfigError, loadConfig, type AwsSettings } from './config';

/** `npm run redrive`'s options and settings: its --help text, which the README is checked against. */
export const REDRIVE_COMMAND: CommandSpec = {
  command: 'npm run redrive --',
  summary:
    "Moves every message of the dead-letter queue back to the main queue, each in its room's message group, in the\n" +
    'order the dead-letter queue gives them. A message stored meanwhile is recognised by its id and not stored twice.',
  options: [
    {
      flag: '--outputs',
      value: 'FILE',
      default: 'infra/outputs.json',
      description: "the deploy's outputs, read for every setting not set",
    },
  ],
  settings: [
    { name: 'DEAD_LETTER_QUEUE_URL', description: 'the dead-letter queue to empty (a data stack output)' },
    { name: 'QUEUE_URL', description: 'the main SQS FIFO queue the messages go back to' },
    { name: 'TABLE_NAME', description: 'the history table (checked as the server checks aws mode; not used here)' },
    { name: 'UPLOADS_BUCKET', description: 'the uploads bucket (likewise)' },
    { name: 'AWS_REGION', description: "the stacks' region" },
    { name: 'AWS_ENDPOINT_URL', description: 'an SQS-compatible endpoint instead of AWS (moto, LocalStack)' },
  ],
  examples: [
    'npm run redrive                      # after npm run deploy, in the same clone',
    'npm run redrive -- --outputs prod-outputs.json',
  ],
  notes: "Credentials come from the AWS CLI's usual places (aws configure, AWS_PROFILE, an SSO session).",
};

/** What the redrive needs: from the environment, else from the deploy's outputs. */
const NEEDED = ['DEAD_LETTER_QUEUE_URL', 'QUEUE_URL', 'TABLE_NAME', 'UPLOADS_BUCKET', 'AWS_REGION'] as const;

/**
 * The redrive's settings, validated as the server validates them. Missing ones are one CliError that names them and
 * where they come from; `fromOutputs` lists those read from the outputs file.
 */
export function redriveSettings(
  processEnv: Record<string, string | undefined>,
  outputsFile = OUTPUTS_FILE,
): { aws: AwsSettings & { deadLetterQueueUrl: string }; fromOutputs: string[] } {
  const { env, fromOutputs } = withOutputs(processEnv, NEEDED, outputsFile);
  const missing = NEEDED.filter((n) => (env[n] ?? '').trim() === '');
  if (missing.length > 0) {
    throw new CliError(
      `npm run redrive needs ${missing.join(', ')}: not set, and not in ${outputsFile === OUTPUTS_FILE ? 'infra/outputs.json' : outputsFile}`,
      'run it in the clone that ran npm run deploy (which writes that file), or set them (npm run redrive -- --help)',
      { exitCode: 78 },
    );
  }
  try {
    const { aws } = loadConfig(env);
    return { aws: { ...aws!, deadLetterQueueUrl: aws!.deadLetterQueueUrl! }, fromOutputs };
  } catch (err) {
    if (err instanceof ConfigError)
      throw new CliError(err.message.replace(/\n\s*/g, ' '), 'fix the setting named, or infra/outputs.json', { exitCode: 78 });
    throw err;
  }
}

/** An SDK failure the operator can act on, in words; anything else as it is. */
export function redriveError(err: unknown, aws: AwsSettings & { deadLetterQueueUrl: string }): unknown {
  const e = err as { name?: string; message?: string };
  if (e.name === 'CredentialsProviderError' || /could not load credentials/i.test(e.message ?? '')) {
    return new CliError('no AWS credentials found', 'aws configure (or aws sso login, then export AWS_PROFILE=<profile>)');
  }
  if (/QueueDoesNotExist|NonExistentQueue/.test(e.name ?? '')) {
    return new CliError(
      `${aws.deadLetterQueueUrl} or ${aws.queueUrl} does not exist in ${aws.region}`,
      'check the queue settings or infra/outputs.json (npm run deploy writes it again)',
    );
  }
  return err;
}
