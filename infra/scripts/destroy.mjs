// npm run destroy: empty the buckets (terraform never deletes data on its own), then destroy every stack in reverse order.
import * as fs from 'node:fs';
import { S3Client } from '@aws-sdk/client-s3';
import {
  BUCKET_OUTPUTS, cdktfCli, collectOutputs, configOrExit, emptyBucket, fail, init, outputsFile, run, stackDir, stackIds, synth, terraformBinary,
} from './lib.mjs';

const config = configOrExit({ forDeploy: false });
if (config.deletionProtection) {
  fail('The history table has deletion protection on. Run `CHAT_DELETION_PROTECTION=false npm run deploy` first, then destroy.', 2);
}
const tf = terraformBinary();
const ids = stackIds(config);
const cdktf = cdktfCli();

synth();
for (const id of ids) init(tf, id);
const outputs = collectOutputs(tf, ids);

const s3 = new S3Client({ region: config.region });
for (const name of BUCKET_OUTPUTS) {
  const bucket = outputs[name];
  if (!bucket) continue;
  const n = await emptyBucket(s3, bucket);
  console.log(`Emptied ${bucket} (${n} objects and versions deleted).`);
}

const reversed = [...ids].reverse();
if (cdktf) {
  run(cdktf, ['destroy', ...reversed, '--auto-approve'], { env: { ...process.env, TERRAFORM_BINARY_NAME: tf } });
} else {
  for (const id of reversed) run(tf, [`-chdir=${stackDir(id)}`, 'destroy', '-input=false', '-auto-approve']);
}
fs.rmSync(outputsFile, { force: true });
console.log(`\nDestroyed ${reversed.join(', ')}: nothing of the chat is left in ${config.region}.`);
