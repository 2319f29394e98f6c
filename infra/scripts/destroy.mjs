// npm run destroy: the same preflight, every bucket emptied (terraform never deletes data on its own), every stack
// destroyed in reverse order, and then a look at the account for anything of the chat left that bills.
import * as fs from 'node:fs';
import { commandLine } from '@chat/cli';
import {
  BUCKET_OUTPUTS,
  awsClients,
  cdktfCli,
  collectOutputs,
  commandSpec,
  configOrExit,
  deleteSecrets,
  emptyBucket,
  fail,
  findLeftovers,
  init,
  outputsFile,
  preflightOrExit,
  run,
  stackDir,
  stackIds,
  stepper,
  synth,
} from './lib.mjs';

commandLine(process.argv.slice(2), commandSpec('destroy'));
let config = configOrExit();
if (config.deletionProtection) {
  fail('The history table has deletion protection on. Run `CHAT_DELETION_PROTECTION=false npm run deploy` first, then destroy.', 2);
}
const report = await preflightOrExit(config, 'destroy');
config = report.config;
const tf = report.terraform;
// Every stack, the ci stack too: destroying one that was never applied changes nothing.
const ids = stackIds(config, { all: true });
const cdktf = cdktfCli();
const step = stepper(3);

await synth();
for (const id of ids) init(tf, id);
const outputs = collectOutputs(tf, ids);

step('Empty the buckets');
const clients = awsClients(config.region);
for (const name of BUCKET_OUTPUTS) {
  const bucket = outputs[name];
  if (!bucket) continue;
  const n = await emptyBucket(clients.s3, bucket);
  console.log(`  emptied ${bucket} (${n} objects and versions deleted)`);
}

const reversed = [...ids].reverse();
step(`Destroy ${reversed.join(', ')}`);
if (cdktf) {
  run(cdktf, ['destroy', ...reversed, '--auto-approve'], { env: { ...process.env, TERRAFORM_BINARY_NAME: tf } });
} else {
  for (const id of reversed) run(tf, [`-chdir=${stackDir(id)}`, 'destroy', '-input=false', '-auto-approve']);
}
fs.rmSync(outputsFile, { force: true });
// Not terraform's: npm run deploy generated them.
for (const name of await deleteSecrets(clients.ssm, config)) console.log(`  deleted secret ${name}`);

step(`Look for anything of ${config.prefix} left in ${config.region} that bills`);
const left = await findLeftovers(clients, config, report.accountId);
if (left.length === 0) {
  console.log(`\nDestroyed ${reversed.join(', ')}: nothing left.`);
} else {
  console.log(
    `\nStill there (and billing):\n${left.map((l) => `  - ${l}`).join('\n')}\nRun npm run destroy again, or delete these by hand.`,
  );
  process.exit(1);
}
