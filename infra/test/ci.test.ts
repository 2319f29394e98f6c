import { IamOpenidConnectProvider } from '@cdktf/provider-aws/lib/iam-openid-connect-provider';
import { DataAwsIamOpenidConnectProvider } from '@cdktf/provider-aws/lib/data-aws-iam-openid-connect-provider';
import { SsmParameter } from '@cdktf/provider-aws/lib/ssm-parameter';
import { asList, only, parse, resources, statements, synthAll } from './helpers';

describe('ci stack', () => {
  const ci = synthAll().json.ci;

  test('creates the GitHub OIDC provider for sts.amazonaws.com (or looks up the account’s existing one)', () => {
    expect(ci).toHaveResourceWithProperties(IamOpenidConnectProvider, {
      url: 'https://token.actions.githubusercontent.com',
      client_id_list: ['sts.amazonaws.com'],
    });
    const existing = synthAll({ createOidcProvider: false }).json.ci;
    expect(resources(existing, 'aws_iam_openid_connect_provider')).toEqual([]);
    expect(existing).toHaveDataSourceWithProperties(DataAwsIamOpenidConnectProvider, {
      url: 'https://token.actions.githubusercontent.com',
    });
  });

  test('without a GitHub environment, only the configured repository’s main branch can assume the deploy role', () => {
    const [trust, ...more] = statements(only(synthAll({ githubEnvironment: undefined }).json.ci, 'aws_iam_role').assume_role_policy);
    expect(more).toEqual([]);
    expect(trust).toEqual({
      Effect: 'Allow',
      Principal: { Federated: '${aws_iam_openid_connect_provider.github-oidc.arn}' },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: {
        StringEquals: {
          'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
          'token.actions.githubusercontent.com:sub': 'repo:octo-org/chat-kit:ref:refs/heads/main',
        },
      },
    });
    // No pattern operators anywhere in the trust: a StringLike with * would admit other branches or forks.
    expect(JSON.stringify(trust)).not.toMatch(/StringLike|\*/);
  });

  test('by default the trust names the deploy job’s environment, production, as deploy.yml uses it', () => {
    const [trust] = statements(only(ci, 'aws_iam_role').assume_role_policy);
    expect(trust!.Condition!.StringEquals!['token.actions.githubusercontent.com:sub']).toBe(
      'repo:octo-org/chat-kit:environment:production',
    );
  });

  test('the deploy targets are written to SSM Parameter Store as the workflow reads them', () => {
    const params = Object.fromEntries(resources(ci, 'aws_ssm_parameter').map((p) => [String(p.name), p]));
    expect(Object.keys(params).sort()).toEqual(
      ['api-url', 'artifact-bucket', 'distribution-id', 'instance-id', 'release-parameter', 'site-bucket', 'site-url']
        .map((n) => `/chat/prod/${n}`)
        .sort(),
    );
    // The pointer's name, from the compute stack where the pointer is created (names.releaseParameterName).
    expect(params['/chat/prod/release-parameter']!.value).toMatch(/^\$\{data\.terraform_remote_state\.[^}]*release-pointer[^}]*name\}$/);
    for (const p of Object.values(params)) expect(p.type).toBe('String');
    expect(params['/chat/prod/distribution-id']!.value).toMatch(/^\$\{data\.terraform_remote_state\.[^}]*distribution[^}]*id\}$/);
    expect(params['/chat/prod/instance-id']!.value).toMatch(/^\$\{data\.terraform_remote_state\.[^}]*instance[^}]*\}$/);
    expect(params['/chat/prod/api-url']!.value).toMatch(/^https:\/\/\$\{[^}]*distribution[^}]*\}$/);
    const plain = synthAll({ cloudfront: false, ssmPrefix: '/kit/live' }).json.ci;
    expect(plain).toHaveResourceWithProperties(SsmParameter, { name: '/kit/live/distribution-id', value: 'none' });
    expect(plain).toHaveResourceWithProperties(SsmParameter, {
      name: '/kit/live/api-url',
      value: expect.stringMatching(/^http:\/\/\$\{[^}]*\}:3000$/),
    });
  });

  test('the deploy role may read its targets, put artifacts, sync the site, send an SSM command to the instance — nothing else', () => {
    const policy = statements(only(ci, 'aws_iam_role_policy').policy);
    const grants = policy.flatMap((s) => asList(s.Action).map((a) => [a, asList(s.Resource)] as const));
    expect(policy.every((s) => s.Effect === 'Allow')).toBe(true);
    expect(grants.map(([a]) => a).sort()).toEqual(
      [
        'ssm:GetParameters',
        's3:PutObject',
        's3:ListBucket',
        's3:PutObject',
        'ssm:SendCommand',
        'ssm:GetCommandInvocation',
        'ssm:GetParameter',
        'ssm:PutParameter',
        's3:PutObjectTagging',
        's3:DeleteObjectTagging',
        'cloudfront:CreateInvalidation',
      ].sort(),
    );
    const byAction = (a: string) => grants.filter(([x]) => x === a).flatMap(([, r]) => r);
    // The seven targets, and server-group, which exists only with CHAT_INSTANCES ≥ 2 (read-targets.sh asks for it).
    expect(byAction('ssm:GetParameters')).toHaveLength(8);
    // Only the release pointer may be written, after a healthy release.
    expect(byAction('ssm:PutParameter')).toEqual([
      expect.stringMatching(/^\$\{data\.terraform_remote_state\.[^}]*release-pointer[^}]*arn\}$/),
    ]);
    for (const r of byAction('ssm:GetParameters').slice(0, 7)) expect(r).toMatch(/^\$\{aws_ssm_parameter\.target-[a-z-]+\.arn\}$/);
    expect(byAction('ssm:GetParameters')[7]).toMatch(/^arn:aws:ssm:us-east-1:\$\{[^}]+\}:parameter\/chat\/prod\/server-group$/);
    expect(byAction('s3:PutObject')).toEqual([
      expect.stringMatching(/artifacts_bucket.*arn\}\/releases\/\*$/),
      expect.stringMatching(/site.*arn\}\/\*$/),
    ]);
    expect(byAction('s3:ListBucket')).toEqual([expect.stringMatching(/^\$\{data\.terraform_remote_state\.[^}]*site[^}]*arn\}$/)]);
    expect(byAction('ssm:SendCommand')).toEqual([
      'arn:aws:ssm:us-east-1::document/AWS-RunShellScript',
      expect.stringMatching(
        /^arn:aws:ec2:us-east-1:\$\{data\.aws_caller_identity\.account\.account_id\}:instance\/\$\{data\.terraform_remote_state\.[^}]*instance[^}]*\}$/,
      ),
    ]);
    // GetCommandInvocation supports no resource-level permission; it is the only "*" the role has.
    for (const [action, rs] of grants) {
      if (action !== 'ssm:GetCommandInvocation') for (const r of rs) expect(r).not.toBe('*');
    }
  });

  test('with CloudFront the role may also invalidate exactly that distribution', () => {
    const policy = statements(only(synthAll({ cloudfront: true }).json.ci, 'aws_iam_role_policy').policy);
    const invalidate = policy.filter((s) => asList(s.Action).includes('cloudfront:CreateInvalidation'));
    expect(invalidate).toHaveLength(1);
    expect(invalidate[0]!.Resource).toMatch(/^\$\{data\.terraform_remote_state\.[^}]*distribution[^}]*arn\}$/);
  });

  test('outputs the deploy role ARN', () => {
    expect(parse(ci).output!.DEPLOY_ROLE_ARN!.value).toBe('${aws_iam_role.deploy-role.arn}');
  });
});
