import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Lb } from '@cdktf/provider-aws/lib/lb';
import { LbListener } from '@cdktf/provider-aws/lib/lb-listener';
import { LbTargetGroup } from '@cdktf/provider-aws/lib/lb-target-group';
import { AutoscalingGroup } from '@cdktf/provider-aws/lib/autoscaling-group';
import { LaunchTemplate } from '@cdktf/provider-aws/lib/launch-template';
import { ElasticacheReplicationGroup } from '@cdktf/provider-aws/lib/elasticache-replication-group';
import { ConfigError, loadConfig } from '../src/config';
import { STACK_ORDER } from '../src/names';
import { NODE_CHECKSUMS } from '../src/boot/node-release';
import { ALB_IDLE_TIMEOUT_S, CACHE_NODE_TYPE, TLS_POLICY } from '../src/constructs/scale-out';
import { asList, only, parse, resources, statements, synthAll } from './helpers';

const SCALE_OUT_TYPES = [
  'aws_lb',
  'aws_lb_listener',
  'aws_lb_target_group',
  'aws_launch_template',
  'aws_autoscaling_group',
  'aws_elasticache_replication_group',
  'aws_elasticache_subnet_group',
];

type Rule = Record<string, unknown>;
const rule = (json: string, type: string, description: string) => resources(json, type).find((r) => r.description === description) as Rule;

describe('CHAT_INSTANCES', () => {
  test('default 1: exactly the single instance, no load balancer, group, cache or extra rules in any stack', () => {
    for (const cloudfront of [false, true]) {
      const { json } = synthAll({ cloudfront });
      for (const name of STACK_ORDER)
        for (const type of SCALE_OUT_TYPES) expect([name, type, resources(json[name], type).length]).toEqual([name, type, 0]);
      expect(resources(json.compute, 'aws_instance')).toHaveLength(1);
      expect(resources(json.compute, 'aws_subnet')).toHaveLength(1);
    }
    expect(loadConfig({}).chatInstances).toBe(1);
  });

  test('CHAT_INSTANCES is read and validated: 1 to 10', () => {
    expect(loadConfig({ CHAT_INSTANCES: '3' }).chatInstances).toBe(3);
    for (const bad of ['0', '11', '1.5', 'two']) expect(() => loadConfig({ CHAT_INSTANCES: bad })).toThrow(ConfigError);
  });
});

describe('CHAT_INSTANCES=2', () => {
  const { json } = synthAll({ chatInstances: 2 });
  const compute = json.compute;

  test('no single instance or Elastic IP: a launch template and an Auto Scaling group of 2 across two subnets in two AZs', () => {
    expect(resources(compute, 'aws_instance')).toHaveLength(0);
    expect(resources(compute, 'aws_eip')).toHaveLength(0);
    expect(compute).toHaveResourceWithProperties(AutoscalingGroup, {
      min_size: 2,
      max_size: 2,
      desired_capacity: 2,
      health_check_type: 'ELB',
      vpc_zone_identifier: ['${aws_subnet.public-subnet.id}', expect.stringContaining('public-subnet-b')],
      target_group_arns: [expect.stringContaining('aws_lb_target_group.scale-out_servers')],
    });
    const azs = resources(compute, 'aws_subnet').map((s) => s.availability_zone);
    expect(azs).toHaveLength(2);
    expect(azs).toEqual(expect.arrayContaining([expect.stringContaining(', 0)'), expect.stringContaining(', 1)')]));
  });

  test('the launch template keeps the single instance’s guarantees: IMDSv2, encrypted gp3, standard credits, the app security group', () => {
    expect(compute).toHaveResourceWithProperties(LaunchTemplate, {
      instance_type: 't3.micro',
      credit_specification: { cpu_credits: 'standard' },
      metadata_options: expect.objectContaining({ http_tokens: 'required' }),
      block_device_mappings: [expect.objectContaining({ ebs: expect.objectContaining({ encrypted: 'true', volume_type: 'gp3' }) })],
      network_interfaces: [expect.objectContaining({ security_groups: ['${aws_security_group.app-security-group.id}'] })],
    });
  });

  test('one set of instance settings: the launch template and the single instance agree for every instance type', () => {
    // The two shapes once drifted (ebs_optimized only for t3.micro in the template); serverInstanceSettings() is the one source.
    for (const instanceType of ['t3.micro', 't2.micro', 't4g.small', 'c7i-flex.large']) {
      const single = only(synthAll({ instanceType }).json.compute, 'aws_instance');
      const template = only(synthAll({ instanceType, chatInstances: 2 }).json.compute, 'aws_launch_template');
      const ebs = (template.block_device_mappings as { ebs: Record<string, unknown> }[])[0]!.ebs;
      const root = single.root_block_device as Record<string, unknown>;
      expect([instanceType, template.instance_type, template.image_id]).toEqual([instanceType, single.instance_type, single.ami]);
      expect([instanceType, template.ebs_optimized]).toEqual([
        instanceType,
        single.ebs_optimized === undefined ? undefined : String(single.ebs_optimized),
      ]);
      expect(template.credit_specification).toEqual(single.credit_specification);
      expect(template.metadata_options).toEqual(single.metadata_options);
      expect(template.iam_instance_profile).toEqual({ name: single.iam_instance_profile });
      for (const k of ['volume_type', 'volume_size', 'encrypted', 'delete_on_termination']) expect(String(ebs[k])).toBe(String(root[k]));
    }
  });

  test('the servers get REDIS_URL with Valkey’s token at each start, and trust X-Forwarded-For from the VPC only', () => {
    const userData = String(Object.values(parse(compute).locals ?? {})[0]);
    // The reader builds REDIS_URL=rediss://:<token>@<primary endpoint>:6379 from SSM; the user data holds no token.
    expect(userData).toContain("REDIS_ADDRESS='${aws_elasticache_replication_group.scale-out_cache_");
    expect(userData).toContain("put '/chat/prod/secrets/valkey-auth-token' 'REDIS_URL'");
    expect(userData).not.toContain('Environment="REDIS_URL=');
    expect(userData).toContain('Environment="TRUSTED_PROXIES=10.42.0.0/16"');
    // Behind CloudFront and the ALB: two hops, for servers that still count hops.
    expect(userData).toContain('Environment="TRUST_PROXY=2"');
    expect(String(Object.values(parse(synthAll({ chatInstances: 2, cloudfront: false }).json.compute).locals ?? {})[0])).toContain(
      'Environment="TRUST_PROXY=1"',
    );
    expect(String(only(compute, 'aws_launch_template').user_data)).toMatch(/^\$\{base64encode\(local\./);
  });

  test('a server the group launches serves the current release by itself: the boot script reads the release pointer', () => {
    const userData = String(Object.values(parse(compute).locals ?? {})[0]);
    const version = fs.readFileSync(path.join(__dirname, '../../.nvmrc'), 'utf8').trim();
    // The single instance's boot script: pinned Node, the release pointer, the bucket its bundles are in.
    expect(userData).toMatch(/^#!\/bin\/bash\n/);
    expect(userData).toContain(`NODE_SHA256_X64='${NODE_CHECKSUMS[version]!.x64}'`);
    expect(userData).toContain("AWS_REGION='us-east-1'");
    expect(userData).toContain("RELEASE_PARAMETER='/chat/prod/release'");
    expect(userData).toContain("ARTIFACT_BUCKET='${aws_s3_bucket.artifacts_bucket_A41425E9.bucket}'");
    expect(userData).toContain('aws ssm get-parameter --name "$RELEASE_PARAMETER"');
    expect(userData).toContain('ExecStart=/usr/local/bin/node /opt/chat/current/app/server/dist/main.js');
    expect(userData).toContain('step_cloudwatch_agent');
    expect(userData).toMatch(/Environment="QUEUE_URL=\$\{data\.terraform_remote_state\.[^}]*aws_sqs_queuequeueurl[^}]*\}"/);
    // The instances' role may read that pointer and the bundles (one role for the single instance and the group).
    const policy = statements(resources(compute, 'aws_iam_role_policy').find((r) => r.name === 'chat-server-data')!.policy);
    expect(policy).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          Sid: 'ReleasePointer',
          Action: 'ssm:GetParameter',
          Resource: '${aws_ssm_parameter.release-pointer.arn}',
        }),
        expect.objectContaining({ Sid: 'ReleaseBundles', Action: 's3:GetObject' }),
      ]),
    );
    // A server boots once the subnet routes out and the log groups its agent writes to exist.
    expect(only(compute, 'aws_autoscaling_group').depends_on).toEqual(
      expect.arrayContaining([
        'aws_route_table_association.public-routes-subnet',
        'aws_internet_gateway.internet-gateway',
        expect.stringMatching(/^aws_cloudwatch_log_group\./),
      ]),
    );
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'chat-userdata-')), 'user-data.sh');
    fs.writeFileSync(file, userData);
    expect(() => execFileSync('bash', ['-n', file], { stdio: 'pipe' })).not.toThrow();
  });

  test('the EC2 alarms and dashboard watch the group (there is no single instance id)', () => {
    const alarms = resources(compute, 'aws_cloudwatch_metric_alarm').filter((a) => a.namespace === 'AWS/EC2');
    expect(alarms.length).toBeGreaterThan(0);
    for (const a of alarms)
      expect(a.dimensions).toEqual({
        AutoScalingGroupName: expect.stringMatching(/^\$\{aws_autoscaling_group\.scale-out_servers-group[^}]*\.name\}$/),
      });
    expect(String(only(compute, 'aws_cloudwatch_dashboard').dashboard_body)).toContain('AutoScalingGroupName');
  });

  test('an internet-facing ALB with an idle timeout above the Socket.IO ping interval, HTTP listener forwarding to the servers', () => {
    expect(ALB_IDLE_TIMEOUT_S).toBeGreaterThan(25 + 20);
    expect(compute).toHaveResourceWithProperties(Lb, {
      load_balancer_type: 'application',
      internal: false,
      idle_timeout: ALB_IDLE_TIMEOUT_S,
      drop_invalid_header_fields: true,
    });
    expect(compute).toHaveResourceWithProperties(LbListener, {
      port: 80,
      protocol: 'HTTP',
      default_action: [expect.objectContaining({ type: 'forward' })],
    });
  });

  test('the target group checks /readyz and keeps long-polling sessions sticky', () => {
    expect(compute).toHaveResourceWithProperties(LbTargetGroup, {
      port: 3000,
      protocol: 'HTTP',
      health_check: expect.objectContaining({ path: '/readyz', matcher: '200' }),
      stickiness: expect.objectContaining({ type: 'lb_cookie', enabled: true }),
    });
  });

  test('ElastiCache for Valkey: the smallest node, encrypted in transit and at rest, AUTH with the token from SSM', () => {
    expect(CACHE_NODE_TYPE).toBe('cache.t4g.micro');
    expect(compute).toHaveResourceWithProperties(ElasticacheReplicationGroup, {
      engine: 'valkey',
      node_type: 'cache.t4g.micro',
      num_cache_clusters: 1,
      transit_encryption_enabled: true,
      at_rest_encryption_enabled: 'true',
      auth_token: '${data.aws_ssm_parameter.valkey-auth-token.value}',
      auth_token_update_strategy: 'ROTATE',
    });
    const data = (parse(compute) as { data?: Record<string, Record<string, Record<string, unknown>>> }).data!;
    expect(data.aws_ssm_parameter!['valkey-auth-token']).toMatchObject({
      name: '/chat/prod/secrets/valkey-auth-token',
      with_decryption: true,
    });
    // npm run rotate-secrets' last step drops the old token.
    expect(
      only(synthAll({ chatInstances: 2, valkeyTokenUpdate: 'SET' }).json.compute, 'aws_elasticache_replication_group')
        .auth_token_update_strategy,
    ).toBe('SET');
  });

  test('security groups: the cache only from the servers, the servers’ app port only from the ALB, the ALB on 80 from CloudFront', () => {
    const cache = rule(compute, 'aws_vpc_security_group_ingress_rule', 'Valkey from the chat servers');
    expect(cache).toMatchObject({
      from_port: 6379,
      to_port: 6379,
      referenced_security_group_id: '${aws_security_group.app-security-group.id}',
    });
    expect(cache['cidr_ipv4']).toBeUndefined();
    const fromAlb = rule(compute, 'aws_vpc_security_group_ingress_rule', 'Chat HTTP from the load balancer');
    expect(fromAlb).toMatchObject({ from_port: 3000, referenced_security_group_id: expect.stringContaining('alb-security-group') });
    expect(rule(compute, 'aws_vpc_security_group_ingress_rule', 'Chat HTTP and Socket.IO from CloudFront')).toMatchObject({
      from_port: 80,
      to_port: 80,
      prefix_list_id: '${data.aws_ec2_managed_prefix_list.cloudfront-origin-facing.id}',
    });
    expect(rule(compute, 'aws_vpc_security_group_egress_rule', 'To Valkey (Socket.IO adapter)')).toMatchObject({ from_port: 6379 });
    // The servers have public addresses (egress without a NAT), but their group admits the load balancer's alone.
    const intoServers = resources(compute, 'aws_vpc_security_group_ingress_rule').filter(
      (r) => r['security_group_id'] === '${aws_security_group.app-security-group.id}',
    );
    expect(intoServers).toEqual([expect.objectContaining({ description: 'Chat HTTP from the load balancer' })]);
    for (const r of resources(compute, 'aws_vpc_security_group_ingress_rule')) expect(r['from_port']).not.toBe(22);
    // The opt-out: the load balancer open to everyone on 80, the servers still only from it.
    const plain = synthAll({ chatInstances: 2, cloudfront: false }).json.compute;
    expect(rule(plain, 'aws_vpc_security_group_ingress_rule', 'Chat HTTP and Socket.IO')).toMatchObject({
      from_port: 80,
      cidr_ipv4: '0.0.0.0/0',
    });
    expect(
      resources(plain, 'aws_vpc_security_group_ingress_rule').filter(
        (r) => r['security_group_id'] === '${aws_security_group.app-security-group.id}',
      ),
    ).toEqual([expect.objectContaining({ referenced_security_group_id: expect.stringContaining('alb-security-group') })]);
  });

  test('CloudFront’s API origin is the ALB on port 80 (no certificate: plain HTTP between them)', () => {
    const origins = (only(json.web, 'aws_cloudfront_distribution').origin as Record<string, unknown>[]).find(
      (o) => o['origin_id'] === 'server',
    )!;
    expect(origins['domain_name']).toMatch(/scale-out_alb.*dns_name|dns_name/);
    expect(origins['custom_origin_config']).toMatchObject({ http_port: 80, origin_protocol_policy: 'http-only' });
  });

  test('the site’s config.json points at CloudFront, or without it at the load balancer (the api-url deploy target)', () => {
    const apiUrl = (ci: string) => String(resources(ci, 'aws_ssm_parameter').find((p) => String(p.name).endsWith('/api-url'))!.value);
    expect(apiUrl(json.ci)).toMatch(/^https:\/\/\$\{data\.terraform_remote_state\.[^}]*distributiondomain_name\}$/);
    expect(apiUrl(synthAll({ chatInstances: 2, cloudfront: false }).json.ci)).toMatch(/^http:\/\/\$\{[^}]*dns_name[^}]*\}$/);
  });

  test('the pipeline may run its command only on instances tagged as chat servers, and find them in the group', () => {
    const policy = resources(json.ci, 'aws_iam_role_policy')[0]!;
    const list = statements(policy.policy);
    const run = list.find((s) => s.Sid === 'RunDeployCommandOnServers')!;
    expect(asList(run.Action)).toEqual(['ssm:SendCommand']);
    expect(run.Condition).toEqual({ StringEquals: { 'ssm:resourceTag/chat-role': 'server' } });
    expect(list.find((s) => s.Sid === 'FindServers')!.Resource).toBe('*');
    expect(resources(json.ci, 'aws_ssm_parameter').map((p) => String(p.name))).toContain('/chat/prod/server-group');
    expect(compute).toHaveResourceWithProperties(LaunchTemplate, {
      tag_specifications: expect.arrayContaining([
        expect.objectContaining({ resource_type: 'instance', tags: expect.objectContaining({ 'chat-role': 'server' }) }),
      ]),
    });
  });
});

const CERT = 'arn:aws:acm:us-east-1:123456789012:certificate/0f6e1b3c-1a2b-4c5d-8e9f-0123456789ab';

describe('CHAT_CERTIFICATE_ARN behind CloudFront: the custom name, and HTTPS from CloudFront to the load balancer', () => {
  const { json } = synthAll({ chatInstances: 2, certificateArn: CERT, domainName: 'chat.example.com' });

  test('stacks in us-east-1: the load balancer holds the certificate, listens on 443 for CloudFront only, and CloudFront uses HTTPS', () => {
    expect(resources(json.compute, 'aws_lb_listener')).toEqual([
      expect.objectContaining({ port: 443, protocol: 'HTTPS', certificate_arn: CERT, ssl_policy: TLS_POLICY }),
    ]);
    const albIn = resources(json.compute, 'aws_vpc_security_group_ingress_rule').filter((r) =>
      String(r['security_group_id']).includes('alb-security-group'),
    );
    expect(albIn).toEqual([
      expect.objectContaining({ from_port: 443, prefix_list_id: '${data.aws_ec2_managed_prefix_list.cloudfront-origin-facing.id}' }),
    ]);
    const origin = (only(json.web, 'aws_cloudfront_distribution').origin as Record<string, unknown>[]).find(
      (o) => o['origin_id'] === 'server',
    )!;
    expect(origin['custom_origin_config']).toMatchObject({
      https_port: 443,
      origin_protocol_policy: 'https-only',
      origin_ssl_protocols: ['TLSv1.2'],
    });
    expect(only(json.web, 'aws_cloudfront_distribution').aliases).toEqual(['chat.example.com']);
  });

  test('stacks in another region: CloudFront still has the name, the load balancer no certificate (it would need one from its region)', () => {
    const other = synthAll({ region: 'eu-west-1', chatInstances: 2, certificateArn: CERT, domainName: 'chat.example.com' }).json;
    expect(resources(other.compute, 'aws_lb_listener').map((l) => [l.port, l.protocol])).toEqual([[80, 'HTTP']]);
    const origin = (only(other.web, 'aws_cloudfront_distribution').origin as Record<string, unknown>[]).find(
      (o) => o['origin_id'] === 'server',
    )!;
    expect(origin['custom_origin_config']).toMatchObject({ origin_protocol_policy: 'http-only' });
    expect(only(other.web, 'aws_cloudfront_distribution').aliases).toEqual(['chat.example.com']);
  });
});

describe('CHAT_CERTIFICATE_ARN without CloudFront: HTTPS on the load balancer', () => {
  const { json } = synthAll({ chatInstances: 2, cloudfront: false, certificateArn: CERT, domainName: 'chat.example.com' });
  const listeners = resources(json.compute, 'aws_lb_listener');

  test('an HTTPS listener with the certificate and a TLS 1.2+ policy forwards to the servers; port 80 only redirects', () => {
    expect(listeners).toHaveLength(2);
    expect(json.compute).toHaveResourceWithProperties(LbListener, {
      port: 443,
      protocol: 'HTTPS',
      certificate_arn: CERT,
      ssl_policy: TLS_POLICY,
      default_action: [expect.objectContaining({ type: 'forward' })],
    });
    expect(json.compute).toHaveResourceWithProperties(LbListener, {
      port: 80,
      protocol: 'HTTP',
      default_action: [
        expect.objectContaining({
          type: 'redirect',
          redirect: expect.objectContaining({ protocol: 'HTTPS', port: '443', status_code: 'HTTP_301' }),
        }),
      ],
    });
    expect(rule(json.compute, 'aws_vpc_security_group_ingress_rule', 'Chat HTTPS and Socket.IO')).toMatchObject({
      from_port: 443,
      to_port: 443,
      cidr_ipv4: '0.0.0.0/0',
    });
    expect(rule(json.compute, 'aws_vpc_security_group_ingress_rule', 'HTTP, redirected to HTTPS')).toMatchObject({ from_port: 80 });
  });

  test('the site and the outputs use https://<domain>; an output names the load balancer the DNS record points at', () => {
    const target = resources(json.ci, 'aws_ssm_parameter').find((p) => String(p.name).endsWith('/api-url'))!;
    expect(target.value).toBe('https://chat.example.com');
    const outputs = parse(json.compute).output as Record<string, { value: string; description: string }>;
    expect(outputs['LOAD_BALANCER_DNS_NAME']!.value).toMatch(/dns_name/);
    expect(outputs['LOAD_BALANCER_DNS_NAME']!.description).toContain('chat.example.com');
  });

  test('without a certificate nothing listens on 443', () => {
    const plain = synthAll({ chatInstances: 2, cloudfront: false }).json.compute;
    expect(resources(plain, 'aws_lb_listener').map((l) => l.port)).toEqual([80]);
    expect(resources(plain, 'aws_vpc_security_group_ingress_rule').map((r) => r['from_port'])).not.toContain(443);
  });

  test('the settings are read, and a certificate that cannot work is refused with the reason', () => {
    const env = { CHAT_CLOUDFRONT: 'false', CHAT_INSTANCES: '2', CHAT_CERTIFICATE_ARN: CERT, CHAT_DOMAIN: 'chat.example.com' };
    expect(loadConfig(env)).toMatchObject({ certificateArn: CERT, domainName: 'chat.example.com' });
    const refused = (e: Record<string, string>) => {
      try {
        loadConfig(e);
      } catch (err) {
        expect(err).toBeInstanceOf(ConfigError);
        return (err as ConfigError).problems.join('\n');
      }
      throw new Error('accepted');
    };
    expect(refused({ ...env, CHAT_INSTANCES: '1' })).toMatch(/CHAT_INSTANCES ≥ 2/);
    expect(refused({ ...env, CHAT_DOMAIN: '' })).toMatch(/needs CHAT_DOMAIN/);
    expect(refused({ ...env, CHAT_REGION: 'eu-west-1' })).toMatch(/issued in eu-west-1/);
    // With CloudFront (the default) the certificate must come from us-east-1, whatever the stacks' region; one
    // instance is fine (the name is on the distribution).
    const { CHAT_CLOUDFRONT: _, ...behindCloudfront } = env;
    expect(loadConfig({ ...behindCloudfront, CHAT_INSTANCES: '1', CHAT_REGION: 'eu-west-1' })).toMatchObject({ certificateArn: CERT });
    expect(refused({ ...behindCloudfront, CHAT_CERTIFICATE_ARN: CERT.replace('us-east-1', 'eu-west-1') })).toMatch(
      /CloudFront takes certificates from us-east-1 only/,
    );
    expect(refused({ ...env, CHAT_CERTIFICATE_ARN: 'arn:aws:iam::123456789012:server-certificate/x' })).toMatch(
      /not an ACM certificate ARN/,
    );
    expect(refused({ ...env, CHAT_DOMAIN: 'https://chat.example.com' })).toMatch(/not a host name/);
    expect(refused({ CHAT_INSTANCES: '2', CHAT_DOMAIN: 'chat.example.com' })).toMatch(/domainName needs certificateArn/);
  });
});
