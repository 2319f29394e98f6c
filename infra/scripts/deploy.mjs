// npm run deploy [-- --check]: preflight, then build, bundle, the stacks, the first (or next) release, the site,
// and a wait until the chat answers through its public URL, smoke test included. --check stops after the preflight
// and the list of what would be created. The release steps are the pipeline's own scripts (release/ci/*.sh).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { GetParameterCommand } from '@aws-sdk/client-ssm';
import { commandLine } from '@chat/cli';
import {
  applyStacks,
  awsClients,
  collectOutputs,
  commandSpec,
  configOrExit,
  describeOutputs,
  describeSecret,
  ensureSecrets,
  fail,
  infraDir,
  outputsFile,
  parseReleasePointer,
  plannedResources,
  preflightOrExit,
  releaseEnv,
  releaseSha,
  repoRoot,
  run,
  shipPlan,
  stackDir,
  stackIds,
  stepper,
  synth,
} from './lib.mjs';

const check = commandLine(process.argv.slice(2), commandSpec('deploy')).check === true;

const { config, terraform: tf } = await preflightOrExit(configOrExit(), 'deploy');
const ids = stackIds(config);
await synth();
console.log(
  `\n${check ? 'Would create or update' : 'Creates or updates'} (stacks in order):\n${plannedResources(stackDir, ids)
    .map((l) => `  ${l}`)
    .join('\n')}`,
);
if (check) {
  console.log('\nCheck passed: nothing was changed. `npm run deploy` applies the above, ships this build and prints the chat URL.');
  process.exit(0);
}

const step = stepper(6);
const require = createRequire(import.meta.url);
const siteDir = path.resolve(repoRoot, process.env.CHAT_SITE_DIR || 'app/web/dist/browser');
const out = path.join(infraDir, '.release');

step('Build the server and the web app');
run('npm', ['run', 'build', '-w', 'app/protocol', '-w', 'app/server', '-w', 'app/web', '-w', 'release'], { cwd: repoRoot });

step(`Apply ${ids.join(', ')} with ${tf}`);
const { ssm } = awsClients(config.region);
// The stacks read the origin secret and the Valkey token from SSM, and the servers all of them: they exist first.
for (const s of await ensureSecrets(ssm, config)) console.log(`  generated secret ${describeSecret(s)}`);
applyStacks(tf, ids);
const outputs = collectOutputs(tf, ids);
fs.writeFileSync(outputsFile, `${JSON.stringify(outputs, null, 2)}\n`);
for (const name of ['ARTIFACT_BUCKET', 'RELEASE_PARAMETER', 'SITE_BUCKET', 'API_URL', 'SITE_URL']) {
  if (!outputs[name]) fail(`The stacks have no ${name} output: did every stack apply? (${outputsFile})`);
}

let ship;
try {
  // One instance: ship-server.sh; several servers (CHAT_INSTANCES ≥ 2): roll-release.sh through the group.
  ship = shipPlan(outputs);
} catch (e) {
  fail(`${e.message} (${outputsFile})`);
}
const sha = releaseSha();
step(`Bundle and ship release ${sha.slice(0, 12)} to ${ship.target} (the pipeline's release/bundle.sh and ${ship.script})`);
const live = parseReleasePointer((await ssm.send(new GetParameterCommand({ Name: outputs.RELEASE_PARAMETER }))).Parameter?.Value)?.sha;
const shipEnv = releaseEnv(config);
if (live === sha) {
  console.log(`Release ${sha.slice(0, 12)} is already live (${outputs.RELEASE_PARAMETER}): not shipped again.`);
} else {
  fs.rmSync(out, { recursive: true, force: true });
  fs.mkdirSync(out, { recursive: true });
  run('bash', [path.join(repoRoot, 'release/bundle.sh'), path.join(out, 'server.tgz')], {
    cwd: repoRoot,
    env: { ...process.env, RELEASE_SHA: sha },
  });
  run('bash', [path.join(repoRoot, ship.script), out], { cwd: repoRoot, env: { ...shipEnv, SHA: sha, ...ship.env } });
}

const { waitFor200, waitUntilLive } = require(path.join(repoRoot, 'release/dist/live.js'));
const { describeSmoke } = require(path.join(repoRoot, 'release/dist/smoke.js'));
const liveTimeout = Number(process.env.CHAT_LIVE_TIMEOUT_MS || 900_000);
const log = (l) => console.log(`  ${l}`);
step(`Wait for the API at ${outputs.API_URL}`);
await waitFor200([new URL('/readyz', outputs.API_URL)], Date.now() + liveTimeout, 3000, log).catch((e) =>
  fail(
    `${e.message}\nThe instance logs its boot to /var/log/chat-boot.log (Session Manager: aws ssm start-session --target ${outputs.INSTANCE_ID || '<an instance of ' + outputs.SERVER_GROUP + '>'}).`,
  ),
);

step(`Publish the site to ${outputs.SITE_BUCKET} (the pipeline's release/ci/publish-site.sh)`);
run('bash', [path.join(repoRoot, 'release/ci/publish-site.sh'), siteDir], {
  cwd: repoRoot,
  env: {
    ...shipEnv,
    SITE_BUCKET: outputs.SITE_BUCKET,
    API_URL: outputs.API_URL,
    SITE_URL: outputs.SITE_URL,
    DISTRIBUTION_ID: outputs.DISTRIBUTION_ID || 'none',
  },
});

step('Wait until site and API answer through the public URL, then the smoke test');
const smoke = await waitUntilLive(outputs.API_URL, outputs.SITE_URL, { timeoutMs: liveTimeout, label: sha.slice(0, 12), log }).catch((e) =>
  fail(`Not live: ${e.message}`),
);
console.log(`  smoke test passed: ${describeSmoke(smoke)}`);

if (ids.some((id) => id.endsWith('-ci'))) {
  console.log(
    `\n${describeOutputs(outputs, { repo: config.githubRepo, branch: config.githubBranch, environment: config.githubEnvironment })}`,
  );
}
console.log(`\nBudget alerts go to ${config.alertEmail}: confirm the AWS Budgets e-mail subscription if asked.`);
if (outputs.USER_POOL_ID) {
  console.log(
    `Sign-in: ${config.alertEmail} is invited as the first admin (Cognito e-mails a temporary password). Add people with\n` +
      `  aws cognito-idp admin-create-user --user-pool-id ${outputs.USER_POOL_ID} --username <their e-mail>\n` +
      `and make one a moderator with\n` +
      `  aws cognito-idp admin-add-user-to-group --user-pool-id ${outputs.USER_POOL_ID} --group-name moderator --username <their e-mail>`,
  );
}
console.log(`(all outputs: ${path.relative(repoRoot, outputsFile)})`);
console.log(`\nChat: ${outputs.SITE_URL}`);
