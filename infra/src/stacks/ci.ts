import type { Construct } from 'constructs';
import { IamOpenidConnectProvider } from '@cdktf/provider-aws/lib/iam-openid-connect-provider';
import { DataAwsIamOpenidConnectProvider } from '@cdktf/provider-aws/lib/data-aws-iam-openid-connect-provider';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { SsmParameter } from '@cdktf/provider-aws/lib/ssm-parameter';
import { skipCheck } from '../checkov/skip';
import { BaseStack } from './base-stack';
import { SERVER_ROLE_TAG } from '../constructs/scale-out';
import type { InfraConfig } from '../config';
import { policyDocument, type Statement } from '../constructs/policy';
import type { ComputeStack } from './compute';
import type { WebStack } from './web';

export const GITHUB_OIDC_HOST = 'token.actions.githubusercontent.com';

/** The token subject the deploy role trusts: the branch, or the deploy job's environment when it has one. */
export function githubSubject(config: InfraConfig): string {
  return config.githubEnvironment
    ? `repo:${config.githubRepo}:environment:${config.githubEnvironment}`
    : `repo:${config.githubRepo}:ref:refs/heads/${config.githubBranch}`;
}

/**
 * What GitHub Actions may do: read its deploy targets, ship a release to the instance and the site to its bucket,
 * nothing else. The targets live in SSM Parameter Store (the contract in release/README.md), so the only values
 * stored in GitHub are the role ARN and the region.
 */
/**
 * Several servers: the command may run on the instances the group tagged as chat servers (any id, since the group
 * replaces them), and the pipeline may list the group's instances and take one out of the load balancer while it
 * switches (release/ci/roll-release.sh).
 */
function scaleOutDeployStatements(region: string, anyInstanceArn: string, groupArn: string): Statement[] {
  return [
    {
      Sid: 'RunDeployDocument',
      Effect: 'Allow',
      Action: 'ssm:SendCommand',
      Resource: `arn:aws:ssm:${region}::document/AWS-RunShellScript`,
    },
    {
      Sid: 'RunDeployCommandOnServers',
      Effect: 'Allow',
      Action: 'ssm:SendCommand',
      Resource: anyInstanceArn,
      Condition: { StringEquals: { [`ssm:resourceTag/${SERVER_ROLE_TAG.key}`]: SERVER_ROLE_TAG.value } },
    },
    // Describe calls have no resource-level permissions.
    { Sid: 'FindServers', Effect: 'Allow', Action: ['autoscaling:DescribeAutoScalingGroups', 'ec2:DescribeInstances'], Resource: '*' },
    { Sid: 'HoldServerOutOfService', Effect: 'Allow', Action: ['autoscaling:EnterStandby', 'autoscaling:ExitStandby'], Resource: groupArn },
  ];
}

export class CiStack extends BaseStack {
  readonly deployRole: IamRole;
  readonly deployPolicy: IamRolePolicy;
  readonly targets: SsmParameter[];

  constructor(scope: Construct, config: InfraConfig, compute: ComputeStack, web: WebStack) {
    super(scope, 'ci', config);

    const targetValues: Record<string, string> = {
      'artifact-bucket': compute.artifacts.bucket.bucket,
      // One instance, or (CHAT_INSTANCES ≥ 2) the Auto Scaling group whose instances the pipeline releases to in turn.
      'instance-id': compute.instance?.id ?? 'none',
      ...(compute.scaleOut ? { 'server-group': compute.scaleOut.group.name } : {}),
      'site-bucket': web.siteBucket.bucket,
      // An SSM String cannot be empty.
      'distribution-id': web.distribution?.id ?? 'none',
      'api-url': web.apiUrl,
      'site-url': web.siteUrl,
      // The release pointer's name (names.releaseParameterName): ship-server.sh sets it after a healthy release.
      'release-parameter': compute.releaseParameter.name,
    };
    this.targets = Object.entries(targetValues).map(([name, value]) => {
      const p = new SsmParameter(this, `target-${name}`, {
        name: `${config.ssmPrefix}/${name}`,
        type: 'String',
        value,
        description: `Deploy target read by the GitHub deploy workflow (${name})`,
      });
      skipCheck(
        p,
        'CKV2_AWS_34',
        'A public deploy target (bucket name, instance id or URL), not a secret; the workflow reads it without decryption.',
      );
      return p;
    });

    const providerArn = config.createOidcProvider
      ? new IamOpenidConnectProvider(this, 'github-oidc', { url: `https://${GITHUB_OIDC_HOST}`, clientIdList: ['sts.amazonaws.com'] }).arn
      : new DataAwsIamOpenidConnectProvider(this, 'github-oidc', { url: `https://${GITHUB_OIDC_HOST}` }).arn;

    this.deployRole = new IamRole(this, 'deploy-role', {
      name: `${config.prefix}-deploy`,
      description: `GitHub Actions deploy of ${githubSubject(config)}`,
      maxSessionDuration: 3600,
      assumeRolePolicy: policyDocument({
        Effect: 'Allow',
        Principal: { Federated: providerArn },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: {
          StringEquals: {
            [`${GITHUB_OIDC_HOST}:aud`]: 'sts.amazonaws.com',
            // Exact match: no wildcard, so pull requests, tags, forks and other branches cannot assume it.
            [`${GITHUB_OIDC_HOST}:sub`]: githubSubject(config),
          },
        },
      }),
    });

    const instanceArn = `arn:aws:ec2:${config.region}:${this.accountId}:instance/${compute.instance?.id ?? '*'}`;
    const statements: Statement[] = [
      {
        Sid: 'ReadDeployTargets',
        Effect: 'Allow',
        Action: 'ssm:GetParameters',
        // read-targets.sh also asks for server-group, which exists only with CHAT_INSTANCES ≥ 2 (absent, it reads as none).
        Resource: [
          ...this.targets.map((p) => p.arn),
          ...(compute.scaleOut ? [] : [`arn:aws:ssm:${config.region}:${this.accountId}:parameter${config.ssmPrefix}/server-group`]),
        ],
      },
      { Sid: 'PutReleaseBundles', Effect: 'Allow', Action: 's3:PutObject', Resource: `${compute.artifacts.bucket.arn}/releases/*` },
      // Only superseded releases expire (names.SUPERSEDED_TAG): ship-server.sh tags and untags them.
      {
        Sid: 'TagReleaseBundles',
        Effect: 'Allow',
        Action: ['s3:PutObjectTagging', 's3:DeleteObjectTagging'],
        Resource: `${compute.artifacts.bucket.arn}/releases/*`,
      },
      // `aws s3 sync` without --delete: list and put (release/ci/publish-site.sh never deletes, old chunks stay loadable).
      { Sid: 'ListSite', Effect: 'Allow', Action: 's3:ListBucket', Resource: web.siteBucket.arn },
      { Sid: 'SyncSite', Effect: 'Allow', Action: 's3:PutObject', Resource: `${web.siteBucket.arn}/*` },
      ...(compute.scaleOut
        ? scaleOutDeployStatements(config.region, instanceArn, compute.scaleOut.group.arn)
        : [
            {
              Sid: 'RunDeployCommand',
              Effect: 'Allow',
              Action: 'ssm:SendCommand',
              Resource: [`arn:aws:ssm:${config.region}::document/AWS-RunShellScript`, instanceArn],
            } satisfies Statement,
          ]),
      // After a healthy release: the pointer a new or replaced instance serves from.
      {
        Sid: 'SetReleasePointer',
        Effect: 'Allow',
        Action: ['ssm:GetParameter', 'ssm:PutParameter'],
        Resource: compute.releaseParameter.arn,
      },
      // GetCommandInvocation has no resource-level permissions; it only reads the result of a command sent above.
      { Sid: 'ReadDeployCommand', Effect: 'Allow', Action: 'ssm:GetCommandInvocation', Resource: '*' },
    ];
    if (web.distribution) {
      statements.push({ Sid: 'InvalidateSite', Effect: 'Allow', Action: 'cloudfront:CreateInvalidation', Resource: web.distribution.arn });
    }
    this.deployPolicy = new IamRolePolicy(this, 'deploy-policy', {
      name: 'chat-deploy',
      role: this.deployRole.id,
      policy: policyDocument(...statements),
    });

    this.output('DEPLOY_ROLE_ARN', this.deployRole.arn, 'Role the GitHub workflow assumes: repository variable AWS_DEPLOY_ROLE_ARN');
    this.output('SSM_PREFIX', config.ssmPrefix, 'Where the deploy targets are in SSM Parameter Store (deploy.yml SSM_PREFIX)');
  }
}
