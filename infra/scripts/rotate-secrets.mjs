// npm run rotate-secrets [-- <name> ...]: new values for the deployment's secrets (every one the layout uses, or the
// ones named: admin-token, metrics-token, origin-secret, valkey-auth-token), delivered so that CloudFront, Valkey and
// the servers never disagree:
//   1. the new values into SSM; the origin secret as "<old>,<new>": servers accept both, CloudFront still sends <old>
//   2. apply the stacks: Valkey accepts the new token beside the old one (ROTATE)
//   3. restart every server on its current release: each reads the new values when it starts
//   4. the origin secret "<new>,<old>", apply: CloudFront sends <new>; Valkey keeps only the new token (SET)
//   5. the origin secret "<new>" alone, restart again: from now on the old one is refused
// Steps 4 and 5 run only when the origin secret or the Valkey token changes.
import { commandLine } from '@chat/cli';
import {
  applyStacks,
  commandSpec,
  awsClients,
  collectOutputs,
  configOrExit,
  fail,
  init,
  newSecretValue,
  parseReleasePointer,
  preflightOrExit,
  releaseEnv,
  repoRoot,
  run,
  SECRET_NAMES,
  secretValue,
  secretsFor,
  setSecret,
  shipPlan,
  stackIds,
  stepper,
  synth,
} from './lib.mjs';
import * as path from 'node:path';
import { GetParameterCommand } from '@aws-sdk/client-ssm';

const asked = commandLine(process.argv.slice(2), commandSpec('rotate'))._;
let config = configOrExit();
const used = secretsFor(config);
for (const name of asked) {
  if (!SECRET_NAMES.includes(name)) fail(`unknown secret ${name} (one of ${SECRET_NAMES.join(', ')})`, 2);
  if (!used.includes(name)) fail(`${name} is not used by this layout (it uses ${used.join(', ')})`, 2);
}
const names = asked.length ? asked : used;
const report = await preflightOrExit(config, 'rotate');
config = report.config;
const tf = report.terraform;
const ids = stackIds(config);
const { ssm } = awsClients(config.region);
const origin = names.includes('origin-secret');
const valkey = names.includes('valkey-auth-token');
const twoPhases = origin || valkey;
const step = stepper(twoPhases ? 5 : 3);

synth();
for (const id of ids) init(tf, id);
const outputs = collectOutputs(tf, ids);
if (!outputs.RELEASE_PARAMETER) fail('The stacks have no outputs: deploy first (npm run deploy).');

/** Every server restarts on the release it serves (the pipeline's scripts, nothing uploaded, the pointer kept). */
function restartServers() {
  return ssm.send(new GetParameterCommand({ Name: outputs.RELEASE_PARAMETER })).then((r) => {
    const live = parseReleasePointer(r.Parameter?.Value);
    if (!live) return console.log('  no release yet: no server to restart');
    const ship = shipPlan(outputs);
    run('bash', [path.join(repoRoot, ship.script)], {
      cwd: repoRoot,
      env: releaseEnv(config, { ...ship.env, SHA: live.sha, BUNDLE_SHA256: live.bundleSha256, SHIP_UPLOAD: 'no', SHIP_POINTER: 'keep' }),
    });
  });
}

step(`New values for ${names.join(', ')}`);
let oldOrigin;
let newOrigin;
for (const name of names) {
  if (name === 'origin-secret') {
    oldOrigin = (await secretValue(ssm, config, name))?.split(',')[0];
    newOrigin = newSecretValue();
    await setSecret(ssm, config, name, oldOrigin ? `${oldOrigin},${newOrigin}` : newOrigin);
  } else {
    await setSecret(ssm, config, name, newSecretValue());
  }
  console.log(`  ${name}: new value stored`);
}

step(`Apply ${ids.join(', ')} (Valkey takes the new token beside the old one)`);
applyStacks(tf, ids);

step('Restart every server: each reads the new values');
await restartServers();

if (twoPhases) {
  step('CloudFront sends the new origin secret; Valkey keeps only the new token');
  if (origin && oldOrigin) await setSecret(ssm, config, 'origin-secret', `${newOrigin},${oldOrigin}`);
  process.env.CHAT_VALKEY_TOKEN_UPDATE = valkey ? 'SET' : 'ROTATE';
  synth();
  applyStacks(tf, ids);
  delete process.env.CHAT_VALKEY_TOKEN_UPDATE;
  synth();

  step('Restart every server again: the old origin secret is refused from now on');
  if (origin) await setSecret(ssm, config, 'origin-secret', newOrigin);
  await restartServers();
}
console.log(`\nRotated ${names.join(', ')}.`);
