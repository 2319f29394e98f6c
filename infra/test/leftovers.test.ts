/**
 * What `destroy` looks for at the end (src/deploy/leftovers.ts): every resource type the stacks create, in every
 * layout, either has a finder or is named here as costing nothing; and each finder, against moto, reports its
 * resource while it exists and nothing once it is gone.
 */
import {
  CloudFrontClient,
  CreateDistributionCommand,
  DeleteDistributionCommand,
  GetDistributionConfigCommand,
  UpdateDistributionCommand,
} from '@aws-sdk/client-cloudfront';
import { CloudWatchLogsClient, CreateLogGroupCommand, DeleteLogGroupCommand } from '@aws-sdk/client-cloudwatch-logs';
import {
  AllocateAddressCommand,
  CreateNatGatewayCommand,
  CreateSubnetCommand,
  CreateVolumeCommand,
  CreateVpcCommand,
  DeleteNatGatewayCommand,
  DeleteVolumeCommand,
  EC2Client,
  ReleaseAddressCommand,
  RunInstancesCommand,
  TerminateInstancesCommand,
} from '@aws-sdk/client-ec2';
import { CreateReplicationGroupCommand, DeleteReplicationGroupCommand, ElastiCacheClient } from '@aws-sdk/client-elasticache';
import {
  CreateLoadBalancerCommand,
  DeleteLoadBalancerCommand,
  ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { DeleteParameterCommand, PutParameterCommand } from '@aws-sdk/client-ssm';
import { CreateUserPoolCommand, DeleteUserPoolCommand } from '@aws-sdk/client-cognito-identity-provider';
import { MOTO_CREDENTIALS, MOTO_REGION, startMoto, type Moto } from '@chat/local-aws';
import { awsClients, type AwsClients } from '../src/deploy/clients';
import { FINDERS, findLeftovers } from '../src/deploy/leftovers';
import { cacheGroupId, distributionComment, loadBalancerName, logGroupNames, STACK_ORDER, userPoolName } from '../src/names';
import { motoAwsEnv } from './deploy-helpers';
import { parse, synthAll } from './helpers';

/** Resource types the stacks create that cost nothing by themselves, and why. */
const FREE: Record<string, string> = {
  aws_autoscaling_group: 'bills through the instances it launches, which are found as aws_instance',
  aws_launch_template: 'a description of instances',
  aws_budgets_budget: 'the first two budgets are free',
  aws_cloudfront_origin_access_control: 'part of the distribution',
  aws_cloudfront_response_headers_policy: 'part of the distribution',
  aws_cloudfront_function: 'part of the distribution; 2,000,000 invocations a month are free',
  aws_cognito_user: 'an account in the user pool (which is found)',
  aws_cognito_user_group: 'part of the user pool',
  aws_cognito_user_in_group: 'part of the user pool',
  aws_cognito_user_pool_client: 'part of the user pool',
  aws_cognito_user_pool_domain: 'part of the user pool',
  aws_cloudwatch_dashboard: 'three dashboards are free',
  aws_cloudwatch_log_metric_filter: 'a filter on a log group',
  aws_cloudwatch_metric_alarm: 'ten alarms are free',
  aws_default_security_group: 'network configuration',
  aws_elasticache_subnet_group: 'network configuration',
  aws_iam_instance_profile: 'IAM is free',
  aws_iam_openid_connect_provider: 'IAM is free',
  aws_iam_role: 'IAM is free',
  aws_iam_role_policy: 'IAM is free',
  aws_internet_gateway: 'free; only its traffic bills, through what sends it',
  aws_lb_listener: 'part of the load balancer',
  aws_lb_target_group: 'part of the load balancer',
  aws_network_interface: 'free; its Elastic IP is found as aws_eip',
  aws_route_table: 'network configuration',
  aws_route_table_association: 'network configuration',
  aws_s3_bucket_cors_configuration: 'configuration of a bucket',
  aws_s3_bucket_lifecycle_configuration: 'configuration of a bucket',
  aws_s3_bucket_ownership_controls: 'configuration of a bucket',
  aws_s3_bucket_policy: 'configuration of a bucket',
  aws_s3_bucket_public_access_block: 'configuration of a bucket',
  aws_s3_bucket_server_side_encryption_configuration: 'configuration of a bucket',
  aws_s3_bucket_versioning: 'configuration of a bucket (its old versions are objects, which destroy deletes)',
  aws_s3_bucket_website_configuration: 'configuration of a bucket',
  aws_security_group: 'network configuration',
  aws_sns_topic: 'e-mail notifications: 1,000 a month are free',
  aws_sns_topic_subscription: 'part of the topic',
  aws_sqs_queue_redrive_allow_policy: 'configuration of a queue',
  aws_subnet: 'network configuration',
  aws_vpc: 'network configuration',
  aws_vpc_security_group_egress_rule: 'network configuration',
  aws_vpc_security_group_ingress_rule: 'network configuration',
};
/** Finders for what the stacks do not declare as a type of its own, but which bills when it is left. */
const FOUND_WITHOUT_A_TYPE: Record<string, string> = {
  aws_ebs_volume: 'the root volume of an instance, left unattached when something failed',
  aws_nat_gateway: 'none is created (servers have public addresses for egress); the usual addition to a VPC like this, billed hourly',
};

const LAYOUTS = [
  {},
  { cloudfront: false },
  { cloudfront: true },
  { chatInstances: 2 },
  { chatInstances: 2, cloudfront: true },
  {
    chatInstances: 2,
    cloudfront: false,
    certificateArn: `arn:aws:acm:us-east-1:123456789012:certificate/${'0'.repeat(8)}-0000-0000-0000-${'0'.repeat(12)}`,
    domainName: 'chat.example.com',
  },
  { pointInTimeRecovery: true, deletionProtection: true, dynamoBilling: 'on-demand' as const, uploadExpiryDays: 30 },
];

test('every resource type of every layout has a finder or is free, and every finder has a reason to be there', () => {
  const types = new Set<string>();
  for (const layout of LAYOUTS) {
    const { json } = synthAll(layout);
    for (const name of STACK_ORDER) for (const type of Object.keys(parse(json[name]).resource ?? {})) types.add(type);
  }
  const unaccounted = [...types].filter((t) => !(t in FINDERS) && !(t in FREE));
  expect(unaccounted).toEqual([]);
  const finderless = Object.keys(FINDERS).filter((t) => !types.has(t) && !(t in FOUND_WITHOUT_A_TYPE));
  expect(finderless).toEqual([]);
  // A stale entry in the free list would hide nothing, but says something untrue about the stacks.
  expect(Object.keys(FREE).filter((t) => !types.has(t))).toEqual([]);
});

describe('against moto', () => {
  let moto: Moto;
  let clients: AwsClients;
  const config = { prefix: 'left', region: MOTO_REGION, ssmPrefix: '/left/prod' } as Parameters<typeof findLeftovers>[1];
  const ACCOUNT = '123456789012';

  const saved = { ...process.env };

  beforeAll(async () => {
    moto = await startMoto();
    // The SDK's default credential chain reads the process environment, as it does in destroy.mjs.
    Object.assign(process.env, motoAwsEnv(moto.endpoint));
    clients = awsClients(MOTO_REGION);
  }, 120_000);
  afterAll(async () => {
    for (const c of Object.values(clients ?? {})) c.destroy();
    await moto?.stop();
    process.env = saved;
  });

  test('reports each billed resource while it exists, and nothing once it is gone', async () => {
    const aws = { region: MOTO_REGION, endpoint: moto.endpoint, credentials: MOTO_CREDENTIALS };
    const ec2 = new EC2Client(aws);
    const elbv2 = new ElasticLoadBalancingV2Client(aws);
    const elasticache = new ElastiCacheClient(aws);
    const cloudfront = new CloudFrontClient({ ...aws, region: 'us-east-1' });
    const logs = new CloudWatchLogsClient(aws);
    const tags = (ResourceType: 'instance' | 'elastic-ip' | 'natgateway' | 'volume') => [
      { ResourceType, Tags: [{ Key: 'Project', Value: 'left' }] },
    ];
    try {
      expect(await findLeftovers(clients, config, ACCOUNT)).toEqual([]);

      const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.9.0.0/16' }))).Vpc!.VpcId!;
      const subnets = await Promise.all(
        ['a', 'b'].map(
          async (az, i) =>
            (await ec2.send(new CreateSubnetCommand({ VpcId: vpc, CidrBlock: `10.9.${i}.0/24`, AvailabilityZone: `${MOTO_REGION}${az}` })))
              .Subnet!.SubnetId!,
        ),
      );
      const instance = (
        await ec2.send(new RunInstancesCommand({ ImageId: 'ami-12345678', MinCount: 1, MaxCount: 1, TagSpecifications: tags('instance') }))
      ).Instances![0]!.InstanceId!;
      const volume = (
        await ec2.send(new CreateVolumeCommand({ AvailabilityZone: `${MOTO_REGION}a`, Size: 8, TagSpecifications: tags('volume') }))
      ).VolumeId!;
      const eip = (await ec2.send(new AllocateAddressCommand({ Domain: 'vpc', TagSpecifications: tags('elastic-ip') }))).AllocationId!;
      const natEip = (await ec2.send(new AllocateAddressCommand({ Domain: 'vpc' }))).AllocationId!;
      const nat = (
        await ec2.send(new CreateNatGatewayCommand({ SubnetId: subnets[0], AllocationId: natEip, TagSpecifications: tags('natgateway') }))
      ).NatGateway!.NatGatewayId!;
      const lb = (
        await elbv2.send(new CreateLoadBalancerCommand({ Name: loadBalancerName('left'), Subnets: subnets, Type: 'application' }))
      ).LoadBalancers![0]!.LoadBalancerArn!;
      await elasticache.send(
        new CreateReplicationGroupCommand({
          ReplicationGroupId: cacheGroupId('left'),
          ReplicationGroupDescription: 'test',
          Engine: 'valkey',
          CacheNodeType: 'cache.t4g.micro',
          NumCacheClusters: 1,
        }),
      );
      const distribution = await cloudfront.send(
        new CreateDistributionCommand({
          DistributionConfig: {
            CallerReference: 'leftovers-test',
            Comment: distributionComment('left'),
            Enabled: true,
            Origins: {
              Quantity: 1,
              Items: [{ Id: 'site', DomainName: 'example.s3.amazonaws.com', S3OriginConfig: { OriginAccessIdentity: '' } }],
            },
            DefaultCacheBehavior: {
              TargetOriginId: 'site',
              ViewerProtocolPolicy: 'redirect-to-https',
              CachePolicyId: '658327ea-f89d-4fab-a63d-7e88639e58f6',
            },
          },
        }),
      );
      for (const logGroupName of Object.values(logGroupNames('left'))) await logs.send(new CreateLogGroupCommand({ logGroupName }));
      await clients.ssm.send(
        new PutParameterCommand({ Name: '/left/prod/secrets/admin-token', Type: 'SecureString', Value: 'x'.repeat(43) }),
      );
      const pool = (await clients.cognito.send(new CreateUserPoolCommand({ PoolName: userPoolName('left') }))).UserPool!.Id!;
      // Another deployment's resources are not ours.
      await logs.send(new CreateLogGroupCommand({ logGroupName: '/leftover-other/server' }));
      await clients.cognito.send(new CreateUserPoolCommand({ PoolName: userPoolName('left-other') }));
      await clients.ssm.send(new PutParameterCommand({ Name: '/left/other/release', Type: 'String', Value: 'none' }));

      const found = await findLeftovers(clients, config, ACCOUNT);
      expect(found).toEqual(
        expect.arrayContaining([
          expect.stringContaining(`EC2 instance ${instance}`),
          expect.stringContaining(`EBS volume ${volume}`),
          expect.stringMatching(new RegExp(`Elastic IP .*${eip}`)),
          `NAT gateway ${nat}`,
          expect.stringContaining(`Load balancer ${loadBalancerName('left')}`),
          expect.stringContaining(`ElastiCache (Valkey) ${cacheGroupId('left')}`),
          expect.stringContaining(`CloudFront distribution ${distribution.Distribution!.Id}`),
          'CloudWatch log group /left/server',
          'CloudWatch log group /left/metrics',
          expect.stringContaining('SSM parameter /left/prod/secrets/admin-token (SecureString'),
          `Cognito user pool ${userPoolName('left')} (${pool})`,
        ]),
      );
      expect(found).toHaveLength(11);

      await ec2.send(new TerminateInstancesCommand({ InstanceIds: [instance] }));
      await ec2.send(new DeleteVolumeCommand({ VolumeId: volume }));
      await ec2.send(new ReleaseAddressCommand({ AllocationId: eip }));
      await ec2.send(new DeleteNatGatewayCommand({ NatGatewayId: nat }));
      await elbv2.send(new DeleteLoadBalancerCommand({ LoadBalancerArn: lb }));
      await elasticache.send(new DeleteReplicationGroupCommand({ ReplicationGroupId: cacheGroupId('left') }));
      for (const logGroupName of Object.values(logGroupNames('left'))) await logs.send(new DeleteLogGroupCommand({ logGroupName }));
      await clients.ssm.send(new DeleteParameterCommand({ Name: '/left/prod/secrets/admin-token' }));
      await clients.cognito.send(new DeleteUserPoolCommand({ UserPoolId: pool }));
      // A distribution is deleted only once disabled, as terraform does it.
      const Id = distribution.Distribution!.Id!;
      const current = await cloudfront.send(new GetDistributionConfigCommand({ Id }));
      const disabled = await cloudfront.send(
        new UpdateDistributionCommand({
          Id,
          IfMatch: current.ETag,
          DistributionConfig: { ...current.DistributionConfig!, Enabled: false },
        }),
      );
      await cloudfront.send(new DeleteDistributionCommand({ Id, IfMatch: disabled.ETag }));
      // A replication group being deleted still exists (and bills) until it is gone: AWS takes minutes, moto forever.
      expect(await findLeftovers(clients, config, ACCOUNT)).toEqual([`ElastiCache (Valkey) ${cacheGroupId('left')} (deleting)`]);
    } finally {
      for (const c of [ec2, elbv2, elasticache, cloudfront, logs]) c.destroy();
    }
  }, 120_000);
});
