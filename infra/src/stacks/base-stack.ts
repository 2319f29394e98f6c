import * as path from 'node:path';
import { LocalBackend, S3Backend, TerraformOutput, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import type { InfraConfig } from '../config';
import { stackId, type StackName } from '../names';

/** Where local state lives: beside the app (infra/state), not inside cdktf.out, so a fresh synth never loses it. */
export const STATE_DIR = path.resolve(__dirname, '..', '..', 'state');

/** Provider, backend and tags every stack shares; outputs keep the exact names the server and pipeline read. */
export abstract class BaseStack extends TerraformStack {
  readonly accountId: string;

  protected constructor(
    scope: Construct,
    readonly stackName: StackName,
    readonly config: InfraConfig,
  ) {
    super(scope, stackId(config.prefix, stackName));
    new AwsProvider(this, 'aws', {
      region: config.region,
      defaultTags: [{ tags: { Project: config.prefix, Stack: stackName, ManagedBy: 'cdktf' } }],
    });
    const id = stackId(config.prefix, stackName);
    if (config.stateBucket) {
      const backend = new S3Backend(this, {
        bucket: config.stateBucket,
        key: `${config.prefix}/${stackName}.tfstate`,
        region: config.stateRegion ?? config.region,
        encrypt: true,
      });
      // S3-native locking (terraform >= 1.10, OpenTofu >= 1.10); cdktf 0.21's typed config predates the option.
      backend.addOverride('use_lockfile', true);
    } else {
      new LocalBackend(this, { path: path.join(STATE_DIR, `${id}.tfstate`) });
    }
    this.accountId = new DataAwsCallerIdentity(this, 'account').accountId;
  }

  /** An output whose name in the state is exactly `name` (e.g. QUEUE_URL), never a generated logical id. */
  protected output(name: string, value: string, description: string): TerraformOutput {
    const o = new TerraformOutput(this, name, { value, description });
    o.overrideLogicalId(name);
    return o;
  }
}
