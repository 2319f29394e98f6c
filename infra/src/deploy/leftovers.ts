/**
 * What `destroy` reports at the end: anything of this deployment still in the account that bills, found by name and
 * by the stacks' `Project` tag, not from terraform state (which is what may be wrong when something is left). Each
 * kind of billed resource the stacks can create has one finder below; a test holds the list against the stacks.
 */
import {
  DescribeAddressesCommand,
  DescribeInstancesCommand,
  DescribeNatGatewaysCommand,
  DescribeVolumesCommand,
} from '@aws-sdk/client-ec2';
import { HeadBucketCommand } from '@aws-sdk/client-s3';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { ListQueuesCommand } from '@aws-sdk/client-sqs';
import { DescribeLoadBalancersCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { DescribeReplicationGroupsCommand } from '@aws-sdk/client-elasticache';
import { ListDistributionsCommand } from '@aws-sdk/client-cloudfront';
import { DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { GetParametersByPathCommand } from '@aws-sdk/client-ssm';
import { ListUserPoolsCommand } from '@aws-sdk/client-cognito-identity-provider';
import type { AwsClients } from './clients';
import type { InfraConfig } from '../config';
import { bucketName, cacheGroupId, distributionComment, loadBalancerName, logGroupNames, tableName, userPoolName } from '../names';

const missing = (e: unknown): boolean => {
  const err = e as { name?: string; $metadata?: { httpStatusCode?: number } };
  return (
    err.name === 'NotFound' ||
    err.name === 'NoSuchBucket' ||
    err.name === 'ResourceNotFoundException' ||
    err.name === 'LoadBalancerNotFoundException' ||
    err.name === 'ReplicationGroupNotFoundFault' ||
    err.$metadata?.httpStatusCode === 404
  );
};

/** The answer of a describe call, or undefined when what it names does not exist. */
async function ifExists<T>(call: () => Promise<T>): Promise<T | undefined> {
  try {
    return await call();
  } catch (e) {
    if (missing(e)) return undefined;
    throw e;
  }
}

interface Scope {
  clients: AwsClients;
  config: InfraConfig;
  accountId: string;
  /** EC2 filter on the stacks' Project tag. */
  tag: { Name: string; Values: string[] }[];
}

type Finder = (s: Scope) => Promise<string[]>;

/**
 * By the terraform resource type it looks for: every type the stacks create that bills (a test holds the stacks'
 * types against these keys, so a new billed resource cannot be forgotten here).
 */
export const FINDERS = {
  // Instances, the single one and the group's (the group launches them from the template with the same tags).
  aws_instance: async ({ clients, tag }) => {
    const states = { Name: 'instance-state-name', Values: ['pending', 'running', 'stopping', 'stopped'] };
    const r = await clients.ec2.send(new DescribeInstancesCommand({ Filters: [...tag, states] }));
    return (r.Reservations ?? [])
      .flatMap((x) => x.Instances ?? [])
      .map((i) => `EC2 instance ${i.InstanceId} (${i.InstanceType}, ${i.State?.Name})`);
  },
  // Volumes outlive an instance only when something failed; an unattached one bills as much as an attached one.
  aws_ebs_volume: async ({ clients, tag, config }) => {
    const byName = { Name: 'tag:Name', Values: [`${config.prefix}-server`] };
    const available = { Name: 'status', Values: ['available'] };
    const found = new Map<string, string>();
    for (const Filters of [
      [...tag, available],
      [byName, available],
    ]) {
      for (const v of (await clients.ec2.send(new DescribeVolumesCommand({ Filters }))).Volumes ?? [])
        found.set(v.VolumeId!, `EBS volume ${v.VolumeId} (${v.Size} GB, not attached)`);
    }
    return [...found.values()];
  },
  aws_eip: async ({ clients, tag }) =>
    ((await clients.ec2.send(new DescribeAddressesCommand({ Filters: tag }))).Addresses ?? []).map(
      (a) => `Elastic IP ${a.PublicIp} (${a.AllocationId})`,
    ),
  // The stacks create no NAT gateway (servers have public addresses for egress); one tagged as ours bills hourly.
  aws_nat_gateway: async ({ clients, tag }) => {
    const live = { Name: 'state', Values: ['pending', 'available'] };
    const r = await clients.ec2.send(new DescribeNatGatewaysCommand({ Filter: [...tag, live] }));
    return (r.NatGateways ?? []).map((n) => `NAT gateway ${n.NatGatewayId}`);
  },
  aws_lb: async ({ clients, config }) => {
    const r = await ifExists(() => clients.elbv2.send(new DescribeLoadBalancersCommand({ Names: [loadBalancerName(config.prefix)] })));
    return (r?.LoadBalancers ?? []).map((lb) => `Load balancer ${lb.LoadBalancerName} (${lb.DNSName})`);
  },
  aws_elasticache_replication_group: async ({ clients, config }) => {
    const r = await ifExists(() =>
      clients.elasticache.send(new DescribeReplicationGroupsCommand({ ReplicationGroupId: cacheGroupId(config.prefix) })),
    );
    return (r?.ReplicationGroups ?? []).map((g) => `ElastiCache (Valkey) ${g.ReplicationGroupId} (${g.Status})`);
  },
  // A disabled distribution no longer serves but still exists until deleted; only a deleted one is gone.
  aws_cloudfront_distribution: async ({ clients, config }) => {
    const found: string[] = [];
    let Marker: string | undefined;
    do {
      const list = (await clients.cloudfront.send(new ListDistributionsCommand({ Marker }))).DistributionList;
      for (const d of list?.Items ?? [])
        if (d.Comment === distributionComment(config.prefix)) found.push(`CloudFront distribution ${d.Id} (${d.DomainName})`);
      Marker = list?.IsTruncated ? list.NextMarker : undefined;
    } while (Marker);
    return found;
  },
  aws_s3_bucket: async ({ clients, config, accountId }) => {
    const left: string[] = [];
    for (const role of ['uploads', 'site', 'artifacts'] as const) {
      const bucket = bucketName(config.prefix, role, accountId, config.region);
      if (await ifExists(() => clients.s3.send(new HeadBucketCommand({ Bucket: bucket })))) left.push(`S3 bucket ${bucket}`);
    }
    return left;
  },
  aws_dynamodb_table: async ({ clients, config }) =>
    (await ifExists(() => clients.dynamodb.send(new DescribeTableCommand({ TableName: tableName(config.prefix) }))))
      ? [`DynamoDB table ${tableName(config.prefix)}`]
      : [],
  aws_sqs_queue: async ({ clients, config }) =>
    ((await clients.sqs.send(new ListQueuesCommand({ QueueNamePrefix: `${config.prefix}-` }))).QueueUrls ?? []).map(
      (url) => `SQS queue ${url}`,
    ),
  // Stored logs bill per GB-month beyond the free 5 GB.
  aws_cloudwatch_log_group: async ({ clients, config }) => {
    const names = Object.values(logGroupNames(config.prefix));
    const r = await clients.logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: `/${config.prefix}/` }));
    return (r.logGroups ?? []).filter((g) => names.includes(g.logGroupName!)).map((g) => `CloudWatch log group ${g.logGroupName}`);
  },
  // Billed per monthly active user beyond the free allowance; and it holds the people's accounts.
  aws_cognito_user_pool: async ({ clients, config }) => {
    const found: string[] = [];
    let NextToken: string | undefined;
    do {
      const page = await clients.cognito.send(new ListUserPoolsCommand({ MaxResults: 60, NextToken }));
      for (const p of page.UserPools ?? []) if (p.Name === userPoolName(config.prefix)) found.push(`Cognito user pool ${p.Name} (${p.Id})`);
      NextToken = page.NextToken;
    } while (NextToken);
    return found;
  },
  // Standard parameters cost nothing, but under the prefix are the deployment's secrets: none may outlive it.
  aws_ssm_parameter: async ({ clients, config }) => {
    const found: string[] = [];
    let NextToken: string | undefined;
    do {
      const page = await clients.ssm.send(new GetParametersByPathCommand({ Path: config.ssmPrefix, Recursive: true, NextToken }));
      found.push(...(page.Parameters ?? []).map((p) => `SSM parameter ${p.Name} (${p.Type}; no charge, but the deployment's)`));
      NextToken = page.NextToken;
    } while (NextToken);
    return found;
  },
} satisfies Record<string, Finder>;

export async function findLeftovers(clients: AwsClients, config: InfraConfig, accountId: string): Promise<string[]> {
  const scope: Scope = { clients, config, accountId, tag: [{ Name: 'tag:Project', Values: [config.prefix] }] };
  const found: string[] = [];
  for (const find of Object.values(FINDERS)) found.push(...(await find(scope)));
  return found;
}
