import { Construct } from 'constructs';
import { Fn, TerraformLocal, type ITerraformDependable } from 'cdktf';
import type { Vpc } from '@cdktf/provider-aws/lib/vpc';
import type { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { SecurityGroup as Sg } from '@cdktf/provider-aws/lib/security-group';
import { Subnet } from '@cdktf/provider-aws/lib/subnet';
import { RouteTableAssociation } from '@cdktf/provider-aws/lib/route-table-association';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { Lb } from '@cdktf/provider-aws/lib/lb';
import { LbTargetGroup } from '@cdktf/provider-aws/lib/lb-target-group';
import { LbListener } from '@cdktf/provider-aws/lib/lb-listener';
import { LaunchTemplate } from '@cdktf/provider-aws/lib/launch-template';
import { AutoscalingGroup } from '@cdktf/provider-aws/lib/autoscaling-group';
import { ElasticacheSubnetGroup } from '@cdktf/provider-aws/lib/elasticache-subnet-group';
import { ElasticacheReplicationGroup } from '@cdktf/provider-aws/lib/elasticache-replication-group';
import { loadBalancerCertificate, type InfraConfig } from '../config';
import { skipCheck } from '../checkov/skip';
import { cacheGroupId, loadBalancerName } from '../names';
import { launchTemplateArguments, type ServerInstanceSettings } from './server-instance';

/** TLS 1.3 and 1.2 only, forward secrecy: AWS's recommended policy for an ALB's HTTPS listener. */
export const TLS_POLICY = 'ELBSecurityPolicy-TLS13-1-2-2021-06';
/** Above Socket.IO's ping interval + timeout (25 s + 20 s): an idle socket is never cut by the load balancer. */
export const ALB_IDLE_TIMEOUT_S = 120;
export const REDIS_PORT = 6379;
/** The smallest current node type; Valkey costs less than Redis OSS per node-hour. */
export const CACHE_NODE_TYPE = 'cache.t4g.micro';
/** Tag every server of the group carries: the pipeline finds the instances to release to by it. */
export const SERVER_ROLE_TAG = { key: 'chat-role', value: 'server' } as const;

export interface ScaleOutProps {
  config: InfraConfig;
  vpc: Vpc;
  /** The single-instance layout's public subnet (first AZ) and its route table. */
  firstSubnetId: string;
  routeTableId: string;
  /** A second AZ for the second subnet (the ALB needs two). */
  secondAz: string;
  /** The servers' security group (app port only); this adds "from the ALB" to it and "to Redis" from it. */
  appSecurityGroup: SecurityGroup;
  /** With CloudFront, the load balancer admits only CloudFront's origin-facing addresses. */
  cloudfrontPrefixListId: string | undefined;
  /** Valkey's AUTH token (a SecureString the deploy generated; the servers read it themselves at start). */
  cacheAuthToken: string;
  /** What every server is (the single instance's settings, in a launch template). */
  server: ServerInstanceSettings;
  /** User data for a server, given Valkey's host:port. */
  userData: (redisAddress: string) => string;
  /** What must exist before a server boots (the internet route, the log groups its agent writes to). */
  dependsOn?: ITerraformDependable[];
}

/**
 * CHAT_INSTANCES ≥ 2: the servers in an Auto Scaling group across two AZs behind an Application Load Balancer
 * (WebSocket, sticky sessions for long-polling, health check /readyz), with ElastiCache for Valkey between them for
 * Socket.IO's Redis streams adapter, reachable only from the servers. The single-instance layout never creates this.
 */
export class ScaleOut extends Construct {
  readonly alb: Lb;
  readonly targetGroup: LbTargetGroup;
  readonly group: AutoscalingGroup;
  readonly launchTemplate: LaunchTemplate;
  readonly cache: ElasticacheReplicationGroup;
  /** Valkey's host:port; the servers' REDIS_URL is rediss://:<token>@ this. */
  readonly redisAddress: string;
  /** The certificate the load balancer's HTTPS listener holds, if any (config.loadBalancerCertificate). */
  readonly certificateArn: string | undefined;

  constructor(scope: Construct, id: string, p: ScaleOutProps) {
    super(scope, id);
    const { config } = p;

    const second = new Subnet(this, 'public-subnet-b', {
      vpcId: p.vpc.id,
      cidrBlock: '10.42.2.0/24',
      availabilityZone: p.secondAz,
      // Public addresses come from the launch template's network interface, never implicitly.
      mapPublicIpOnLaunch: false,
      tags: { Name: `${config.prefix}-public-b` },
    });
    new RouteTableAssociation(this, 'public-routes-subnet-b', { subnetId: second.id, routeTableId: p.routeTableId });
    const subnets = [p.firstSubnetId, second.id];

    // Load balancer. Behind CloudFront it admits only CloudFront's origin-facing addresses, on its one listener (HTTPS
    // when it holds a certificate). Without CloudFront (the opt-out) it admits everyone on HTTP, and on HTTPS with a
    // certificate (port 80 then only redirects). It forwards to the servers' app port.
    const https = loadBalancerCertificate(config);
    this.certificateArn = https;
    const cloudfront = p.cloudfrontPrefixListId;
    const albSg = new Sg(this, 'alb-security-group', {
      name: `${config.prefix}-alb`,
      description: cloudfront
        ? `Chat load balancer: ${https ? 'HTTPS' : 'HTTP'} from CloudFront only, the servers app port out`
        : https
          ? 'Chat load balancer: HTTPS and HTTP in, the servers app port out'
          : 'Chat load balancer: HTTP in, the servers app port out',
      vpcId: p.vpc.id,
    });
    if (cloudfront) {
      const port = https ? 443 : 80;
      const fromCloudfront = new VpcSecurityGroupIngressRule(this, https ? 'alb-https-in' : 'alb-http-in', {
        securityGroupId: albSg.id,
        description: `Chat ${https ? 'HTTPS' : 'HTTP'} and Socket.IO from CloudFront`,
        ipProtocol: 'tcp',
        fromPort: port,
        toPort: port,
        prefixListId: cloudfront,
      });
      if (!https)
        skipCheck(
          fromCloudfront,
          'CKV_AWS_260',
          'Admits only the CloudFront origin-facing prefix list (checkov cannot resolve a prefix list and reads it as open).',
        );
    } else {
      const albIngress = new VpcSecurityGroupIngressRule(this, 'alb-http-in', {
        securityGroupId: albSg.id,
        description: https ? 'HTTP, redirected to HTTPS' : 'Chat HTTP and Socket.IO',
        ipProtocol: 'tcp',
        fromPort: 80,
        toPort: 80,
        cidrIpv4: '0.0.0.0/0',
      });
      skipCheck(
        albIngress,
        'CKV_AWS_260',
        https
          ? 'Port 80 answers only with a redirect to HTTPS, so that a typed http:// address still arrives.'
          : 'CHAT_CLOUDFRONT=false without a certificate: the opt-out serves plain HTTP on port 80, which the preflight warns about.',
      );
      if (https) {
        new VpcSecurityGroupIngressRule(this, 'alb-https-in', {
          securityGroupId: albSg.id,
          description: 'Chat HTTPS and Socket.IO',
          ipProtocol: 'tcp',
          fromPort: 443,
          toPort: 443,
          cidrIpv4: '0.0.0.0/0',
        });
      }
    }
    new VpcSecurityGroupEgressRule(this, 'alb-to-servers', {
      securityGroupId: albSg.id,
      description: 'To the chat servers',
      ipProtocol: 'tcp',
      fromPort: config.appPort,
      toPort: config.appPort,
      referencedSecurityGroupId: p.appSecurityGroup.id,
    });

    this.alb = new Lb(this, 'alb', {
      name: loadBalancerName(config.prefix),
      loadBalancerType: 'application',
      internal: false,
      subnets,
      securityGroups: [albSg.id],
      idleTimeout: ALB_IDLE_TIMEOUT_S,
      dropInvalidHeaderFields: true,
      enableDeletionProtection: config.deletionProtection,
      tags: { Name: loadBalancerName(config.prefix) },
    });
    skipCheck(
      this.alb,
      'CKV_AWS_91',
      'ALB access logs need a log bucket and bill S3 storage; the servers log every request failure themselves.',
    );
    skipCheck(this.alb, 'CKV2_AWS_28', 'AWS WAF bills per web ACL and rule; the servers rate-limit per socket and per client address.');
    if (!https)
      skipCheck(
        this.alb,
        'CKV2_AWS_20',
        'HTTPS is CloudFront in front of this ALB (the default), or CHAT_CERTIFICATE_ARN on it; without either (the opt-out) the kit serves plain HTTP.',
      );
    if (!config.deletionProtection)
      skipCheck(
        this.alb,
        'CKV_AWS_150',
        'Deletion protection follows CHAT_DELETION_PROTECTION, off by default so npm run destroy leaves nothing behind.',
      );

    this.targetGroup = new LbTargetGroup(this, 'servers', {
      name: `${config.prefix}-servers`,
      port: config.appPort,
      protocol: 'HTTP',
      vpcId: p.vpc.id,
      targetType: 'instance',
      deregistrationDelay: '30',
      // Long-polling requests of one Socket.IO session must reach the server that holds it; WebSocket needs nothing.
      stickiness: { type: 'lb_cookie', enabled: true, cookieDuration: 86_400 },
      healthCheck: {
        enabled: true,
        path: '/readyz',
        protocol: 'HTTP',
        matcher: '200',
        interval: 10,
        timeout: 5,
        healthyThreshold: 2,
        unhealthyThreshold: 2,
      },
    });
    // checkov passes an HTTP target group once the load balancer listens on HTTPS.
    if (!https) skipCheck(this.targetGroup, 'CKV_AWS_378', 'ALB to servers is HTTP inside the VPC; TLS ends at the ALB or CloudFront.');

    const forward = [{ type: 'forward', targetGroupArn: this.targetGroup.arn }];
    if (https) {
      new LbListener(this, 'https', {
        loadBalancerArn: this.alb.arn,
        port: 443,
        protocol: 'HTTPS',
        sslPolicy: TLS_POLICY,
        certificateArn: https,
        defaultAction: forward,
      });
      // Only people type addresses: CloudFront, the only other caller, comes on 443.
      if (!cloudfront) {
        new LbListener(this, 'http', {
          loadBalancerArn: this.alb.arn,
          port: 80,
          protocol: 'HTTP',
          defaultAction: [{ type: 'redirect', redirect: { protocol: 'HTTPS', port: '443', statusCode: 'HTTP_301' } }],
        });
      }
    } else {
      const http = new LbListener(this, 'http', { loadBalancerArn: this.alb.arn, port: 80, protocol: 'HTTP', defaultAction: forward });
      skipCheck(
        http,
        'CKV_AWS_2',
        cloudfront
          ? 'CloudFront holds the HTTPS side; it reaches the load balancer over HTTP unless CHAT_CERTIFICATE_ARN gives the load balancer a certificate (stacks in us-east-1).'
          : 'CHAT_CLOUDFRONT=false without CHAT_CERTIFICATE_ARN: the opt-out serves plain HTTP, which the preflight warns about.',
      );
      skipCheck(http, 'CKV_AWS_103', 'An HTTP listener has no TLS policy; TLS ends at CloudFront.');
    }

    new VpcSecurityGroupIngressRule(this, 'servers-from-alb', {
      securityGroupId: p.appSecurityGroup.id,
      description: 'Chat HTTP from the load balancer',
      ipProtocol: 'tcp',
      fromPort: config.appPort,
      toPort: config.appPort,
      referencedSecurityGroupId: albSg.id,
    });

    // ElastiCache for Valkey: one small node, TLS in transit, encrypted at rest, only the servers may connect.
    const cacheSg = new Sg(this, 'cache-security-group', {
      name: cacheGroupId(config.prefix),
      description: 'Chat Valkey: only from the chat servers',
      vpcId: p.vpc.id,
    });
    new VpcSecurityGroupIngressRule(this, 'cache-from-servers', {
      securityGroupId: cacheSg.id,
      description: 'Valkey from the chat servers',
      ipProtocol: 'tcp',
      fromPort: REDIS_PORT,
      toPort: REDIS_PORT,
      referencedSecurityGroupId: p.appSecurityGroup.id,
    });
    new VpcSecurityGroupEgressRule(this, 'servers-to-cache', {
      securityGroupId: p.appSecurityGroup.id,
      description: 'To Valkey (Socket.IO adapter)',
      ipProtocol: 'tcp',
      fromPort: REDIS_PORT,
      toPort: REDIS_PORT,
      referencedSecurityGroupId: cacheSg.id,
    });
    const cacheSubnets = new ElasticacheSubnetGroup(this, 'cache-subnets', { name: cacheGroupId(config.prefix), subnetIds: subnets });
    this.cache = new ElasticacheReplicationGroup(this, 'cache', {
      replicationGroupId: cacheGroupId(config.prefix),
      description: 'Socket.IO Redis streams adapter between the chat servers',
      engine: 'valkey',
      engineVersion: '8.0',
      nodeType: CACHE_NODE_TYPE,
      numCacheClusters: 1,
      port: REDIS_PORT,
      subnetGroupName: cacheSubnets.name,
      securityGroupIds: [cacheSg.id],
      transitEncryptionEnabled: true,
      // AUTH on top of TLS and the security group; a changed token is added beside the old one (ROTATE) until
      // npm run rotate-secrets has restarted every server on the new one and sets it alone (SET).
      authToken: p.cacheAuthToken,
      authTokenUpdateStrategy: config.valkeyTokenUpdate,
      atRestEncryptionEnabled: 'true',
      automaticFailoverEnabled: false,
      multiAzEnabled: false,
      applyImmediately: true,
    });
    skipCheck(this.cache, 'CKV_AWS_191', 'Encrypted at rest with the AWS-managed key; a customer key bills per month and per request.');
    skipCheck(
      this.cache,
      'CKV2_AWS_50',
      'One node: the adapter holds only recent broadcasts and recovery sessions; a replica doubles the cost for a few seconds of reconnects.',
    );
    this.redisAddress = `${this.cache.primaryEndpointAddress}:${REDIS_PORT}`;

    this.launchTemplate = new LaunchTemplate(this, 'server-template', {
      name: `${config.prefix}-server`,
      ...launchTemplateArguments(p.server),
      // No NAT (it bills hourly): each server has a public address for egress only; its security group admits the
      // load balancer's group alone, so no app port is reachable from the internet.
      networkInterfaces: [{ associatePublicIpAddress: 'true', securityGroups: [p.appSecurityGroup.id], deleteOnTermination: 'true' }],
      // Through a local: the script has double quotes, which a function argument written inline cannot hold.
      userData: Fn.base64encode(new TerraformLocal(this, 'server-user-data', p.userData(this.redisAddress)).asString),
      tagSpecifications: [
        { resourceType: 'instance', tags: { Name: `${config.prefix}-server`, [SERVER_ROLE_TAG.key]: SERVER_ROLE_TAG.value } },
        { resourceType: 'volume', tags: { Name: `${config.prefix}-server` } },
      ],
      updateDefaultVersion: true,
    });
    skipCheck(
      this.launchTemplate,
      'CKV_AWS_88',
      'A public address for egress only (a NAT gateway bills hourly); the security group admits only the load balancer, and there is no SSH.',
    );

    this.group = new AutoscalingGroup(this, 'servers-group', {
      name: `${config.prefix}-servers`,
      minSize: config.chatInstances,
      maxSize: config.chatInstances,
      desiredCapacity: config.chatInstances,
      vpcZoneIdentifier: subnets,
      launchTemplate: { id: this.launchTemplate.id, version: '$Latest' },
      targetGroupArns: [this.targetGroup.arn],
      // A server whose /readyz fails for long is replaced; first boot installs Node and the release.
      healthCheckType: 'ELB',
      healthCheckGracePeriod: 600,
      // New settings (a new template version) roll through the group one instance at a time.
      instanceRefresh: { strategy: 'Rolling', preferences: { minHealthyPercentage: 50 } },
      tag: [{ key: 'Name', value: `${config.prefix}-server`, propagateAtLaunch: true }],
      dependsOn: p.dependsOn,
    });
  }
}
