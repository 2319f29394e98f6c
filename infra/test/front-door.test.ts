/**
 * A deployment safe on the internet by default, held against the synthesized stacks of every layout: HTTPS through
 * CloudFront, the app port reachable only through the front door, one style of security group rules, secrets that
 * never enter the stacks, and release bundles that stay recoverable.
 */
import { CloudfrontDistribution } from '@cdktf/provider-aws/lib/cloudfront-distribution';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import type { InfraConfig } from '../src/config';
import { STACK_ORDER } from '../src/names';
import { parse, resources, synthAll } from './helpers';

const CERT = 'arn:aws:acm:us-east-1:123456789012:certificate/0f6e1b3c-1a2b-4c5d-8e9f-0123456789ab';
const LAYOUTS: Partial<InfraConfig>[] = [
  {},
  { chatInstances: 2 },
  { chatInstances: 3, certificateArn: CERT, domainName: 'chat.example.com' },
  { certificateArn: CERT, domainName: 'chat.example.com' },
  { appPort: 80 },
];
const OPT_OUTS: Partial<InfraConfig>[] = [{ cloudfront: false }, { cloudfront: false, chatInstances: 2 }];

type Json = Record<string, unknown>;

/** Ingress that reaches the app port, from rules of either style. */
function appPortIngress(json: string, port: number): Json[] {
  const covers = (r: Json) => Number(r.from_port) <= port && port <= Number(r.to_port);
  const inline = resources(json, 'aws_security_group').flatMap((sg) => (sg.ingress as Json[] | undefined) ?? []);
  const legacy = resources(json, 'aws_security_group_rule').filter((r) => r.type === 'ingress');
  return [...inline, ...legacy, ...resources(json, 'aws_vpc_security_group_ingress_rule')].filter(covers);
}

const open = (r: Json) =>
  [
    r.cidr_ipv4,
    r.cidr_ipv6,
    ...((r.cidr_blocks as string[] | undefined) ?? []),
    ...((r.ipv6_cidr_blocks as string[] | undefined) ?? []),
  ].some((c) => c === '0.0.0.0/0' || c === '::/0');

/**
 * Security groups that have rules in both styles: inline (`ingress`/`egress` on the group) and rule resources that
 * name the group. The AWS provider documents that the two fight: a re-apply drops what the other style added.
 */
function mixedRuleStyles(json: string): string[] {
  const standaloneTargets = new Set(
    ['aws_vpc_security_group_ingress_rule', 'aws_vpc_security_group_egress_rule', 'aws_security_group_rule']
      .flatMap((type) => resources(json, type))
      .map((r) => String(r.security_group_id)),
  );
  return Object.entries(parse(json).resource?.aws_security_group ?? {})
    .filter(
      ([name, sg]) => (sg.ingress !== undefined || sg.egress !== undefined) && standaloneTargets.has(`\${aws_security_group.${name}.id}`),
    )
    .map(([name]) => name);
}

/** Groups with inline rules at all (the kit writes every rule as a resource of its own). */
const inlineRuleGroups = (json: string) =>
  Object.entries(parse(json).resource?.aws_security_group ?? {})
    .filter(([, sg]) => sg.ingress !== undefined || sg.egress !== undefined)
    .map(([name]) => name);

describe('HTTPS by default, one origin', () => {
  const { json } = synthAll();

  test('npm run synth with no settings: a CloudFront distribution, the site and API URLs https:// and one origin', () => {
    expect(json.web).toHaveResource(CloudfrontDistribution);
    const out = parse(json.web).output!;
    expect(String(out.SITE_URL!.value)).toMatch(/^https:\/\//);
    expect(out.API_URL!.value).toBe(out.SITE_URL!.value);
    // The ci stack's deploy targets say the same (the site's config.json: apiUrl "" on one origin).
    const targets = Object.fromEntries(resources(json.ci, 'aws_ssm_parameter').map((p) => [String(p.name).split('/').pop(), p.value]));
    expect(String(targets['api-url'])).toMatch(/^https:\/\//);
    expect(targets['api-url']).toBe(targets['site-url']);
  });
});

describe('no way around the front door', () => {
  test.each(LAYOUTS.map((l) => [JSON.stringify(l), l] as const))(
    '%s: no 0.0.0.0/0 or ::/0 ingress on the app port in any stack',
    (_name, layout) => {
      const { json } = synthAll(layout);
      const port = layout.appPort ?? 3000;
      for (const stack of STACK_ORDER) {
        const ingress = appPortIngress(json[stack], port);
        expect([stack, ingress.filter(open)]).toEqual([stack, []]);
      }
    },
  );

  test('one server: the app port admits only CloudFront’s origin-facing prefix list', () => {
    const ingress = appPortIngress(synthAll().json.compute, 3000);
    expect(ingress).toEqual([
      expect.objectContaining({ prefix_list_id: '${data.aws_ec2_managed_prefix_list.cloudfront-origin-facing.id}' }),
    ]);
    const data = (parse(synthAll().json.compute) as { data?: Record<string, Record<string, Json>> }).data!;
    expect(data.aws_ec2_managed_prefix_list!['cloudfront-origin-facing']!.name).toBe('com.amazonaws.global.cloudfront.origin-facing');
  });

  test('CHAT_INSTANCES=2: the app port admits only the load balancer’s security group, with or without CloudFront', () => {
    for (const cloudfront of [true, false]) {
      const compute = synthAll({ chatInstances: 2, cloudfront }).json.compute;
      const ingress = appPortIngress(compute, 3000).filter((r) => r.security_group_id === '${aws_security_group.app-security-group.id}');
      expect(ingress).toEqual([
        expect.objectContaining({
          referenced_security_group_id: expect.stringMatching(/^\$\{aws_security_group\.scale-out_alb-security-group_[0-9A-F]+\.id\}$/),
        }),
      ]);
      expect(ingress[0]).not.toHaveProperty('cidr_ipv4');
      expect(ingress[0]).not.toHaveProperty('prefix_list_id');
    }
  });

  test('the opt-out opens what it says (and only there): the single server’s app port, or the load balancer’s port 80', () => {
    expect(appPortIngress(synthAll({ cloudfront: false }).json.compute, 3000).filter(open)).toHaveLength(1);
    expect(appPortIngress(synthAll({ cloudfront: false, chatInstances: 2 }).json.compute, 3000).filter(open)).toEqual([]);
  });
});

describe('one style of security group rules', () => {
  test.each([...LAYOUTS, ...OPT_OUTS].map((l) => [JSON.stringify(l), l] as const))(
    '%s: every rule is a resource of its own; no group has inline rules, so none can mix the styles',
    (_name, layout) => {
      const { json } = synthAll(layout);
      for (const stack of STACK_ORDER) {
        expect([stack, inlineRuleGroups(json[stack])]).toEqual([stack, []]);
        expect([stack, mixedRuleStyles(json[stack])]).toEqual([stack, []]);
      }
    },
  );

  test('the check finds a group that mixes the styles (what this stack looked like before)', () => {
    const mixed = JSON.stringify({
      resource: {
        aws_security_group: {
          app: { name: 'app', ingress: [{ from_port: 3000, to_port: 3000, protocol: 'tcp', cidr_blocks: ['0.0.0.0/0'] }] },
        },
        aws_vpc_security_group_ingress_rule: {
          'from-alb': { security_group_id: '${aws_security_group.app.id}', from_port: 3000, to_port: 3000, ip_protocol: 'tcp' },
        },
      },
    });
    expect(mixedRuleStyles(mixed)).toEqual(['app']);
    expect(inlineRuleGroups(mixed)).toEqual(['app']);
  });
});

describe('secrets delivered, not typed', () => {
  test.each([...LAYOUTS, ...OPT_OUTS].map((l) => [JSON.stringify(l), l] as const))(
    '%s: no stack creates or embeds a secret; only CloudFront’s header and Valkey’s AUTH read one, by reference',
    (_name, layout) => {
      const { json } = synthAll(layout);
      for (const stack of STACK_ORDER) {
        for (const p of resources(json[stack], 'aws_ssm_parameter')) expect([p.name, p.type]).toEqual([p.name, 'String']);
        for (const name of ['ADMIN_TOKEN', 'METRICS_TOKEN', 'ORIGIN_SECRET', 'REDIS_URL']) expect(json[stack]).not.toContain(`${name}=`);
        const reads = Object.values(
          ((parse(json[stack]) as { data?: Record<string, Record<string, Json>> }).data ?? {}).aws_ssm_parameter ?? {},
        ).filter((d) => d.with_decryption);
        for (const r of reads) expect(String(r.name)).toMatch(/^\/chat\/prod\/secrets\/(origin-secret|valkey-auth-token)$/);
      }
    },
  );
});

describe('release integrity', () => {
  test('the artifacts bucket is versioned, and old versions expire like superseded bundles (30 days)', () => {
    const compute = synthAll().json.compute;
    expect(compute).toHaveResourceWithProperties(S3BucketVersioningA, { versioning_configuration: { status: 'Enabled' } });
    const rules = resources(compute, 'aws_s3_bucket_lifecycle_configuration').flatMap((r) => r.rule as Json[]);
    expect(rules).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: 'expire-old-versions', noncurrent_version_expiration: [{ noncurrent_days: 30 }] }),
      ]),
    );
  });
});
