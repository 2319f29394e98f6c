/**
 * How `npm run deploy` ships a release, from the stacks' outputs: to the one instance (INSTANCE_ID, the pipeline's
 * ship-server.sh), or with CHAT_INSTANCES ≥ 2 to every server of the Auto Scaling group in turn (SERVER_GROUP, the
 * pipeline's roll-release.sh). The same choice as the deploy workflow's "Ship the server" step.
 */
export interface ShipPlan {
  /** The script under the repository root. */
  script: 'release/ci/ship-server.sh' | 'release/ci/roll-release.sh';
  /** What it ships to, for the step's title and error messages. */
  target: string;
  /** The script's settings besides SHA and the AWS region. */
  env: Record<string, string>;
}

export function shipPlan(outputs: Record<string, string | undefined>): ShipPlan {
  const common = { ARTIFACT_BUCKET: outputs.ARTIFACT_BUCKET ?? '', RELEASE_PARAMETER: outputs.RELEASE_PARAMETER ?? '' };
  if (outputs.SERVER_GROUP) {
    return {
      script: 'release/ci/roll-release.sh',
      target: `every server of ${outputs.SERVER_GROUP}, one at a time`,
      env: { ...common, SERVER_GROUP: outputs.SERVER_GROUP },
    };
  }
  if (outputs.INSTANCE_ID)
    return { script: 'release/ci/ship-server.sh', target: outputs.INSTANCE_ID, env: { ...common, INSTANCE_ID: outputs.INSTANCE_ID } };
  throw new Error('The compute stack has neither an INSTANCE_ID nor a SERVER_GROUP output: did it apply?');
}
