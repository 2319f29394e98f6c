// npm run deploy: every stack in order (data, compute, web, ci, budget), then the values to use, then the site URL.
import * as fs from 'node:fs';
import {
  cdktfCli, collectOutputs, configOrExit, describeOutputs, infraDir, init, outputsFile, run, stackDir, stackIds, synth, terraformBinary,
} from './lib.mjs';

const config = configOrExit({ forDeploy: true });
const tf = terraformBinary();
const ids = stackIds(config);
const cdktf = cdktfCli();

console.log(`Deploying ${ids.join(', ')} to ${config.region} with ${cdktf ? 'cdktf' : tf}${config.cloudfront ? ' (CloudFront on)' : ''}.`);
if (cdktf) {
  // cdktf synthesizes through cdktf.json's app command and applies the stacks in dependency order.
  run(cdktf, ['deploy', ...ids, '--auto-approve'], { env: { ...process.env, TERRAFORM_BINARY_NAME: tf } });
} else {
  // Without the CLI: the same synth, then terraform in each stack directory, as cdktf would run it.
  synth();
  for (const id of ids) {
    init(tf, id);
    run(tf, [`-chdir=${stackDir(id)}`, 'apply', '-input=false', '-auto-approve']);
  }
}

const outputs = collectOutputs(tf, ids);
fs.writeFileSync(outputsFile, `${JSON.stringify(outputs, null, 2)}\n`);
console.log(`\n${describeOutputs(outputs, { repo: config.githubRepo, branch: config.githubBranch, environment: config.githubEnvironment })}\n\n(all outputs: ${outputsFile.replace(`${infraDir}/`, 'infra/')})`);
console.log('\nThe site fills in when the deploy workflow runs on the main branch (set the variables above in GitHub).');
console.log(`Budget alerts go to ${config.alertEmail}: confirm the AWS Budgets e-mail subscription if asked.`);
console.log(`\nChat site: ${outputs.SITE_URL ?? '(no SITE_URL output: did the web stack deploy?)'}`);
