import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Instance } from '@cdktf/provider-aws/lib/instance';
import { DataAwsSsmParameter } from '@cdktf/provider-aws/lib/data-aws-ssm-parameter';
import { Eip } from '@cdktf/provider-aws/lib/eip';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { STACK_ORDER } from '../src/names';
import { NODE_CHECKSUMS } from '../src/boot/node-release';
import { SSM_AGENT_ACTIONS } from '../src/constructs/ssm-agent-policy';
import { asList, only, parse, resources, statements, synthAll } from './helpers';

type Rule = { from_port: number; to_port: number; protocol: string; cidr_blocks?: string[]; prefix_list_ids?: string[] };

/** Every ingress rule in a stack, inline or as separate rule resources, in the inline rules' shape. */
function ingressRules(json: string): Rule[] {
  const inline = resources(json, 'aws_security_group').flatMap((sg) => (sg.ingress as Rule[] | undefined) ?? []);
  const separate = resources(json, 'aws_security_group_rule').filter((r) => r.type === 'ingress') as unknown as Rule[];
  const vpcRules = resources(json, 'aws_vpc_security_group_ingress_rule').map((r) => ({
    from_port: r.from_port as number,
    to_port: r.to_port as number,
    protocol: r.ip_protocol as string,
    ...(r.cidr_ipv4 ? { cidr_blocks: [r.cidr_ipv4 as string] } : {}),
    ...(r.prefix_list_id ? { prefix_list_ids: [r.prefix_list_id as string] } : {}),
  }));
  return [...inline, ...separate, ...vpcRules];
}

/** Whether the release pipeline ships through SSM Run Command (what AmazonSSMManagedInstanceCore is kept for). */
function pipelineUsesRunCommand(): boolean {
  const root = path.resolve(__dirname, '../..');
  const dirs = ['.github/workflows', 'deploy', 'deploy/ci', 'release', 'release/ci', 'infra/scripts']
    .map((d) => path.join(root, d))
    .filter((d) => fs.existsSync(d));
  return dirs.some((d) =>
    fs.readdirSync(d).some((f) => {
      const file = path.join(d, f);
      return fs.statSync(file).isFile() && fs.readFileSync(file, 'utf8').includes('send-command');
    }),
  );
}

function renderedUserData(json: string): string {
  return String(only(json, 'aws_instance').user_data);
}

describe('compute stack', () => {
  const { json } = synthAll();
  const compute = json.compute;

  test('one free-tier instance (t3.micro) with standard CPU credits', () => {
    expect(resources(compute, 'aws_instance')).toHaveLength(1);
    expect(compute).toHaveResourceWithProperties(Instance, {
      instance_type: 't3.micro',
      credit_specification: { cpu_credits: 'standard' },
    });
    expect(synthAll({ instanceType: 't2.micro' }).json.compute).toHaveResourceWithProperties(Instance, { instance_type: 't2.micro' });
  });

  test('the AMI comes from the Amazon Linux 2023 SSM public parameter', () => {
    expect(compute).toHaveDataSourceWithProperties(DataAwsSsmParameter, {
      name: '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64',
    });
    expect(compute).toHaveResourceWithProperties(Instance, { ami: '${data.aws_ssm_parameter.al2023-ami.value}' });
  });

  test('IMDSv2 is required', () => {
    expect(compute).toHaveResourceWithProperties(Instance, {
      metadata_options: expect.objectContaining({ http_tokens: 'required', http_endpoint: 'enabled' }),
    });
  });

  test('the root volume is encrypted gp3', () => {
    expect(compute).toHaveResourceWithProperties(Instance, {
      root_block_device: expect.objectContaining({ volume_type: 'gp3', encrypted: true }),
    });
  });

  test('the security group opens only the app port, and no stack opens port 22 anywhere', () => {
    expect(ingressRules(compute)).toEqual([expect.objectContaining({ from_port: 3000, to_port: 3000, protocol: 'tcp' })]);
    // The opt-out: plain HTTP to everyone.
    expect(ingressRules(synthAll({ cloudfront: false }).json.compute)).toEqual([
      expect.objectContaining({ from_port: 3000, to_port: 3000, protocol: 'tcp', cidr_blocks: ['0.0.0.0/0'] }),
    ]);
    expect(ingressRules(synthAll({ appPort: 80 }).json.compute)).toEqual([expect.objectContaining({ from_port: 80, to_port: 80 })]);
    for (const cloudfront of [false, true]) {
      const all = synthAll({ cloudfront }).json;
      for (const name of STACK_ORDER) {
        for (const r of ingressRules(all[name])) {
          expect(r.protocol).not.toBe('-1');
          expect(r.from_port <= 22 && 22 <= r.to_port).toBe(false);
        }
      }
    }
  });

  test('by default (CloudFront) the app port admits only CloudFront origin-facing addresses', () => {
    const [rule] = ingressRules(compute);
    expect(rule?.cidr_blocks ?? null).toBeNull();
    expect(rule?.prefix_list_ids).toEqual(['${data.aws_ec2_managed_prefix_list.cloudfront-origin-facing.id}']);
  });

  test('the instance role may do exactly the server actions, on exactly the queue, table and bucket ARNs', () => {
    const policy = resources(compute, 'aws_iam_role_policy').find((p) => p.name === 'chat-server-data')!;
    const byAction = new Map<string, string[]>();
    for (const s of statements(policy.policy)) {
      expect(s.Effect).toBe('Allow');
      for (const a of asList(s.Action)) byAction.set(a, [...(byAction.get(a) ?? []), ...asList(s.Resource)]);
    }
    expect([...byAction.keys()].sort()).toEqual(
      [
        'dynamodb:BatchGetItem',
        'dynamodb:DeleteItem',
        'dynamodb:DescribeTable',
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:Query',
        'dynamodb:UpdateItem',
        's3:DeleteObject',
        's3:GetObject',
        's3:ListBucket',
        's3:PutObject',
        'ssm:GetParameter',
        'ssm:GetParameters',
        'sqs:ChangeMessageVisibility',
        'sqs:DeleteMessage',
        'sqs:GetQueueAttributes',
        'sqs:ReceiveMessage',
        'sqs:SendMessage',
      ].sort(),
    );
    const remote = (key: string) => expect.stringMatching(new RegExp(`^\\$\\{data\\.terraform_remote_state\\.[^}]*${key}[^}]*\\}`));
    for (const a of [
      'sqs:SendMessage',
      'sqs:ReceiveMessage',
      'sqs:DeleteMessage',
      'sqs:ChangeMessageVisibility',
      'sqs:GetQueueAttributes',
    ]) {
      expect(byAction.get(a)).toEqual([remote('aws_sqs_queuequeuearn')]);
    }
    for (const a of [
      'dynamodb:PutItem',
      'dynamodb:BatchGetItem',
      'dynamodb:Query',
      'dynamodb:DescribeTable',
      'dynamodb:GetItem',
      'dynamodb:UpdateItem',
      'dynamodb:DeleteItem',
    ]) {
      expect(byAction.get(a)).toEqual([remote('aws_dynamodb_tablehistoryarn')]);
    }
    expect(byAction.get('s3:ListBucket')).toEqual([remote('uploads_bucket')]);
    const rooms = expect.stringMatching(/uploads_bucket.*\/rooms\/\*$/);
    const pending = expect.stringMatching(/uploads_bucket.*\/pending\/\*$/);
    expect(byAction.get('s3:PutObject')).toEqual([rooms, pending]);
    expect(byAction.get('ssm:GetParameter')).toEqual(['${aws_ssm_parameter.release-pointer.arn}']);
    // Its own secrets and the user pool's issuer and client id, nothing else of the account's parameters.
    expect(byAction.get('ssm:GetParameters')).toEqual([
      'arn:aws:ssm:us-east-1:${data.aws_caller_identity.account.account_id}:parameter/chat/prod/secrets/*',
      'arn:aws:ssm:us-east-1:${data.aws_caller_identity.account.account_id}:parameter/chat/prod/auth/issuer',
      'arn:aws:ssm:us-east-1:${data.aws_caller_identity.account.account_id}:parameter/chat/prod/auth/client-id',
    ]);
    // A deleted message's image, and a pending upload once a message has claimed it.
    expect(byAction.get('s3:DeleteObject')).toEqual([rooms, pending]);
    expect(byAction.get('s3:GetObject')).toEqual([rooms, pending, '${aws_s3_bucket.artifacts_bucket_A41425E9.arn}/releases/*']);
    for (const resourcesOfAction of byAction.values()) {
      for (const r of resourcesOfAction) expect(r).not.toMatch(/^\*$|^arn:aws:[a-z0-9]+:\*/);
    }
  });

  test("no managed policy: the SSM agent gets Session Manager's and Run Command's calls, the CloudWatch agent its least set", () => {
    expect(resources(compute, 'aws_iam_role_policy_attachment')).toEqual([]);
    // AmazonSSMManagedInstanceCore would let the instance read every parameter of the account (ssm:GetParameter *).
    expect(compute).not.toContain('AmazonSSMManagedInstanceCore');
    const ssmAgent = resources(compute, 'aws_iam_role_policy').find((p) => p.name === 'ssm-agent')!;
    expect(statements(ssmAgent.policy)).toEqual([
      { Sid: 'SessionManager', Effect: 'Allow', Action: [...SSM_AGENT_ACTIONS.sessionManager], Resource: '*' },
      { Sid: 'RunCommand', Effect: 'Allow', Action: [...SSM_AGENT_ACTIONS.runCommand], Resource: '*' },
    ]);
    expect(JSON.stringify(statements(ssmAgent.policy))).not.toMatch(/ssm:GetParameter|ssm:\*|ssm:Get|ssm:List|ssm:Describe/);
    // Run Command is used: the release is shipped through it.
    expect(pipelineUsesRunCommand()).toBe(true);
    // CloudWatchAgentServerPolicy would also allow creating any log group, reading SSM parameters, X-Ray, EC2 describes.
    expect(compute).not.toContain('CloudWatchAgentServerPolicy');
    const agent = resources(compute, 'aws_iam_role_policy').find((p) => p.name === 'cloudwatch-agent')!;
    const [logs, metrics] = statements(agent.policy);
    expect(asList(logs!.Action).sort()).toEqual(['logs:CreateLogStream', 'logs:DescribeLogStreams', 'logs:PutLogEvents']);
    const group = (name: string) =>
      expect.stringMatching(new RegExp(`^\\$\\{aws_cloudwatch_log_group\\.monitoring_${name}_[0-9A-F]+\\.arn\\}$`));
    const streams = (name: string) =>
      expect.stringMatching(new RegExp(`^\\$\\{aws_cloudwatch_log_group\\.monitoring_${name}_[0-9A-F]+\\.arn\\}:\\*$`));
    expect(asList(logs!.Resource)).toEqual([group('server-logs'), streams('server-logs'), group('metrics-logs'), streams('metrics-logs')]);
    expect(metrics).toEqual({
      Sid: 'AgentMetrics',
      Effect: 'Allow',
      Action: 'cloudwatch:PutMetricData',
      Resource: '*',
      Condition: { StringEquals: { 'cloudwatch:namespace': ['Chat', 'Chat/Host'] } },
    });
    expect(statements(agent.policy)).toHaveLength(2);
  });

  test('the instance boots only once its subnet routes to the internet (user data downloads Node)', () => {
    const instance = only(compute, 'aws_instance');
    expect(instance.depends_on).toEqual(
      expect.arrayContaining(['aws_route_table_association.public-routes-subnet', 'aws_internet_gateway.internet-gateway']),
    );
  });

  test('the Elastic IP is on the network interface before the instance boots (network from the first second)', () => {
    expect(compute).toHaveResourceWithProperties(Eip, { domain: 'vpc', network_interface: '${aws_network_interface.server-interface.id}' });
    const instance = only(compute, 'aws_instance');
    expect(instance.primary_network_interface).toEqual({ network_interface_id: '${aws_network_interface.server-interface.id}' });
    expect(instance.depends_on).toEqual(expect.arrayContaining(['aws_eip.address']));
    expect(only(compute, 'aws_network_interface').security_groups).toEqual(['${aws_security_group.app-security-group.id}']);
  });

  test('the subnet is in the alphabetically first zone offering the type (deterministic)', () => {
    expect(String(only(compute, 'aws_subnet').availability_zone)).toBe(
      '${element(sort(data.aws_ec2_instance_type_offerings.instance-type-azs.locations), 0)}',
    );
  });

  test('a Graviton type gets the arm64 AMI; t2 gets no EBS-optimized flag', () => {
    const arm = synthAll({ instanceType: 't4g.micro' }).json.compute;
    expect(arm).toHaveDataSourceWithProperties(DataAwsSsmParameter, {
      name: '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64',
    });
    expect(arm).toHaveResourceWithProperties(Instance, { instance_type: 't4g.micro', ebs_optimized: true });
  });

  test('the release pointer starts at none, and terraform never resets it (ship-server.sh sets it)', () => {
    const p = resources(compute, 'aws_ssm_parameter').find((r) => r.name === '/chat/prod/release')!;
    expect(p).toMatchObject({ type: 'String', value: 'none', lifecycle: { ignore_changes: ['value'] } });
    expect(parse(compute).output!.RELEASE_PARAMETER!.value).toBe('${aws_ssm_parameter.release-pointer.name}');
  });

  test('only superseded release bundles expire: the current one stays for a replacement instance', () => {
    const rules = resources(compute, 'aws_s3_bucket_lifecycle_configuration').flatMap(
      (r) => r.rule as { id: string; filter: unknown[]; expiration?: unknown }[],
    );
    expect(rules.filter((r) => r.expiration)).toEqual([
      expect.objectContaining({ filter: [{ tag: [{ key: 'chat-release', value: 'superseded' }] }], expiration: [{ days: 30 }] }),
    ]);
  });

  test('the deploy-artifacts bucket is private', () => {
    expect(compute).toHaveResourceWithProperties(S3BucketPublicAccessBlock, {
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    const policy = statements(only(compute, 'aws_s3_bucket_policy').policy);
    expect(policy.map((s) => s.Effect)).toEqual(['Deny']);
  });

  test('user data is valid shell (bash -n)', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'chat-userdata-')), 'user-data.sh');
    for (const overrides of [{}, { cloudfront: false }, { appPort: 80 }, { instanceType: 't4g.micro' }]) {
      fs.writeFileSync(file, renderedUserData(synthAll(overrides).json.compute));
      expect(() => execFileSync('bash', ['-n', file], { stdio: 'pipe' })).not.toThrow();
    }
    // The only terraform interpolations are the settings: a stray one would be a shell variable terraform ate.
    const interpolations = renderedUserData(compute).match(/\$\{[^}]*\}/g) ?? [];
    expect(
      interpolations.filter((i) => !i.startsWith('${data.terraform_remote_state.') && !i.startsWith('${data.aws_caller_identity.')),
    ).toEqual(['${aws_s3_bucket.artifacts_bucket_A41425E9.bucket}']);
  });

  test('user data installs the Node version .nvmrc pins, checked against the checksums pinned in the repo', () => {
    const ud = renderedUserData(compute);
    const version = fs.readFileSync(path.join(__dirname, '../../.nvmrc'), 'utf8').trim();
    expect(ud).toMatch(/^#!\/bin\/bash\n/);
    expect(ud).toContain(`NODE_VERSION='${version}'`);
    expect(ud).toContain(`NODE_SHA256_X64='${NODE_CHECKSUMS[version]!.x64}'`);
    expect(ud).toContain(`NODE_SHA256_ARM64='${NODE_CHECKSUMS[version]!.arm64}'`);
    expect(ud).toContain('sha256sum -c -');
    expect(ud).toContain("RELEASE_PARAMETER='/chat/prod/release'");
  });

  test('user data runs the server as chat.service with restart, an unprivileged user and its settings from the stacks', () => {
    const ud = renderedUserData(compute);
    expect(ud).toContain('UNIT_FILE="$ROOT/etc/systemd/system/chat.service"');
    expect(ud).toContain('ExecStart=/usr/local/bin/node /opt/chat/current/app/server/dist/main.js');
    expect(ud).toContain('Restart=always');
    expect(ud).toContain('User=chat');
    // Port 3000 needs no privilege at all; port 80 gets exactly the bind capability.
    expect(ud).not.toContain('AmbientCapabilities');
    expect(ud).toContain('CapabilityBoundingSet=\n');
    // t2.micro refuses the EBS-optimized flag at launch; t3 has it at no cost.
    expect(resources(synthAll({ instanceType: 't2.micro' }).json.compute, 'aws_instance')[0]!.ebs_optimized).toBeUndefined();

    expect(resources(compute, 'aws_instance')[0]!.ebs_optimized).toBe(true);
    const ud80 = renderedUserData(synthAll({ appPort: 80 }).json.compute);
    expect(ud80).toContain('Environment="PORT=80"');
    expect(ud80).toContain('AmbientCapabilities=CAP_NET_BIND_SERVICE\nCapabilityBoundingSet=CAP_NET_BIND_SERVICE\n');
    expect(ud).toContain('APP_HOME="$ROOT/opt/chat"');
    expect(ud).toContain('Environment="HOST=0.0.0.0"');
    expect(ud).toContain('Environment="PORT=3000"');
    expect(ud).toContain('Environment="AWS_REGION=us-east-1"');
    expect(ud).toMatch(/Environment="QUEUE_URL=\$\{data\.terraform_remote_state\.[^}]*aws_sqs_queuequeueurl[^}]*\}"/);
    expect(ud).toMatch(/Environment="TABLE_NAME=\$\{data\.terraform_remote_state\.[^}]*aws_dynamodb_tablehistoryname[^}]*\}"/);
    // The table's capacity, which the server spends as its store budget.
    expect(ud).toContain('Environment="STORE_WRITE_UNITS=25"');
    expect(ud).toContain('Environment="STORE_READ_UNITS=25"');
    expect(renderedUserData(synthAll({ dynamoCapacity: 10 }).json.compute)).toContain('Environment="STORE_WRITE_UNITS=10"');
    expect(ud).toMatch(/Environment="UPLOADS_BUCKET=\$\{data\.terraform_remote_state\.[^}]*uploads_bucket[^}]*bucket[^}]*\}"/);
    // Behind CloudFront (the default): one origin for site and API, and the client address from its X-Forwarded-For hop.
    expect(ud).toContain('Environment="TRUST_PROXY=1"');
    expect(ud).not.toContain('CORS_ORIGINS');
    // One server has no proxy in the VPC to trust.
    expect(ud).not.toContain('TRUSTED_PROXIES');
    const udPlain = renderedUserData(synthAll({ cloudfront: false }).json.compute);
    expect(udPlain).toMatch(
      /Environment="CORS_ORIGINS=http:\/\/chat-site-\$\{data\.aws_caller_identity\.account\.account_id\}-us-east-1\.s3-website-us-east-1\.amazonaws\.com"/,
    );
    expect(udPlain).not.toContain('TRUST_PROXY');
    // The secrets arrive at each start, from SSM, as root, into an environment file: never in the user data.
    expect(ud).toContain('ExecStartPre=+/usr/local/libexec/chat-secrets\nEnvironmentFile=-/run/chat-secrets/server.env\n');
    for (const name of ['ADMIN_TOKEN', 'METRICS_TOKEN', 'ORIGIN_SECRET']) expect(ud).not.toContain(`Environment="${name}=`);
    expect(compute).toHaveResourceWithProperties(Instance, { user_data_replace_on_change: true });
  });

  test('outputs: instance id and artifact bucket; the instance URL only when the instance is reachable (no CloudFront)', () => {
    const out = parse(compute).output!;
    expect(out.INSTANCE_ID!.value).toBe('${aws_instance.server.id}');
    expect(out.INSTANCE_URL).toBeUndefined();
    expect(out.ARTIFACT_BUCKET!.value).toBe('${aws_s3_bucket.artifacts_bucket_A41425E9.bucket}');
    expect(parse(synthAll({ cloudfront: false }).json.compute).output!.INSTANCE_URL!.value).toBe(
      'http://${aws_eip.address.public_dns}:3000',
    );
  });
});
