import type { Construct } from 'constructs';
import { PENDING_UPLOAD_PREFIX, SERVER_IAM_ACTIONS } from '@chat/server/iam';
import { Fn, Lazy } from 'cdktf';
import { DataAwsSsmParameter } from '@cdktf/provider-aws/lib/data-aws-ssm-parameter';
import { DataAwsEc2InstanceTypeOfferings } from '@cdktf/provider-aws/lib/data-aws-ec2-instance-type-offerings';
import { DataAwsEc2ManagedPrefixList } from '@cdktf/provider-aws/lib/data-aws-ec2-managed-prefix-list';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { Subnet } from '@cdktf/provider-aws/lib/subnet';
import { InternetGateway } from '@cdktf/provider-aws/lib/internet-gateway';
import { RouteTable } from '@cdktf/provider-aws/lib/route-table';
import { RouteTableAssociation } from '@cdktf/provider-aws/lib/route-table-association';
import { DefaultSecurityGroup } from '@cdktf/provider-aws/lib/default-security-group';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { IamInstanceProfile } from '@cdktf/provider-aws/lib/iam-instance-profile';
import { Instance } from '@cdktf/provider-aws/lib/instance';
import { Eip } from '@cdktf/provider-aws/lib/eip';
import { NetworkInterface } from '@cdktf/provider-aws/lib/network-interface';
import { SsmParameter } from '@cdktf/provider-aws/lib/ssm-parameter';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { BaseStack } from './base-stack';
import type { InfraConfig } from '../config';
import { skipCheck } from '../checkov/skip';
import {
  NO_RELEASE,
  SUPERSEDED_TAG,
  authParameterName,
  bucketName,
  instanceArchitecture,
  logGroupNames,
  releaseParameterName,
  websiteHost,
} from '../names';
import { nodeRelease } from '../boot/node-release';
import { policyDocument } from '../constructs/policy';
import { PrivateBucket } from '../constructs/private-bucket';
import { renderUserData } from '../boot/user-data';
import { cloudWatchAgentBootStep } from '../boot/cloudwatch-agent';
import { secretsBootStep } from '../boot/secrets';
import { secretParameterName, secretsFor, secretsPath } from '../secrets';
import { ssmAgentStatements } from '../constructs/ssm-agent-policy';
import { Monitoring } from '../constructs/monitoring/monitoring';
import { agentPolicyStatements } from '../constructs/monitoring/agent-policy';
import type { DataStack } from './data';
import { ScaleOut } from '../constructs/scale-out';
import { instanceArguments, serverInstanceSettings } from '../constructs/server-instance';

/** Amazon Linux 2023's public SSM parameter for the instance type's architecture. */
export const al2023AmiParameter = (arch: 'x86_64' | 'arm64') => `/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-${arch}`;
/** The deployment's own network; with several servers the load balancer's addresses are in it (TRUSTED_PROXIES). */
export const VPC_CIDR = '10.42.0.0/16';
/** CloudFront's addresses towards origins, kept current by AWS: all that may reach an origin behind CloudFront. */
export const CLOUDFRONT_ORIGIN_FACING = 'com.amazonaws.global.cloudfront.origin-facing';

/**
 * The servers' sign-in settings: signed-in unless CHAT_AUTH=open. Another provider's issuer and client id are known
 * now; the user pool's are read at every start from the parameters the auth stack writes (authSettings).
 */
export function authEnvironment(config: InfraConfig): Record<string, string> {
  if (config.auth === 'open') return { AUTH_MODE: 'open' };
  if (config.auth === 'oidc') return { AUTH_MODE: 'signed-in', AUTH_ISSUER: config.authIssuer!, AUTH_AUDIENCE: config.authClientId! };
  return { AUTH_MODE: 'signed-in' };
}

/** With the user pool: server setting → the SSM parameter the auth stack writes it to. */
export function authSettings(config: InfraConfig): Record<string, string> {
  if (config.auth !== 'cognito') return {};
  return { AUTH_ISSUER: authParameterName(config.ssmPrefix, 'issuer'), AUTH_AUDIENCE: authParameterName(config.ssmPrefix, 'client-id') };
}

/** How CloudFront reaches the servers: the instance or the load balancer, over HTTPS only where it holds a certificate. */
export interface ServerOrigin {
  host: string;
  httpPort: number;
  httpsPort: number;
  protocol: 'http-only' | 'https-only';
}

/**
 * The one server: replaceable at any time, its settings come from the data stack. With CHAT_INSTANCES ≥ 2 the
 * servers are an Auto Scaling group behind a load balancer instead (`scaleOut`), and there is no single instance.
 * Every security group rule is a rule resource of its own (never inline): the AWS provider documents that the two
 * styles on one group undo each other on a re-apply.
 */
export class ComputeStack extends BaseStack {
  readonly instance: Instance | undefined;
  readonly eip: Eip | undefined;
  readonly scaleOut: ScaleOut | undefined;
  /** What CloudFront forwards the API paths to. */
  readonly origin: ServerOrigin;
  /** Where browsers reach the servers without CloudFront: the instance, or the load balancer (HTTPS with a certificate). */
  readonly apiUrl: string;
  /** The release pointer (names.releaseParameterName): what every instance serves. */
  readonly releaseParameter: SsmParameter;
  readonly artifacts: PrivateBucket;
  readonly securityGroup: SecurityGroup;
  readonly instanceRole: IamRole;
  readonly dataPolicy: IamRolePolicy;
  readonly agentPolicy: IamRolePolicy;
  readonly ssmAgentPolicy: IamRolePolicy;
  readonly monitoring: Monitoring;

  constructor(scope: Construct, config: InfraConfig, data: DataStack) {
    super(scope, 'compute', config);

    this.artifacts = new PrivateBucket(this, 'artifacts', {
      bucket: bucketName(config.prefix, 'artifacts', this.accountId, config.region),
      // Old release bundles are only useful for a quick rollback; the current one (untagged) never expires.
      expireDays: 30,
      expirePrefix: '',
      expireTag: SUPERSEDED_TAG,
      // An overwritten or deleted bundle stays recoverable for as long as a superseded one is kept.
      versioning: { keepNoncurrentDays: 30 },
    });

    // A VPC of our own: no dependency on the account still having its default VPC, and no NAT (one public subnet).
    const azs = new DataAwsEc2InstanceTypeOfferings(this, 'instance-type-azs', {
      locationType: 'availability-zone',
      filter: [{ name: 'instance-type', values: [config.instanceType] }],
    });
    const vpc = new Vpc(this, 'vpc', {
      cidrBlock: VPC_CIDR,
      enableDnsHostnames: true,
      enableDnsSupport: true,
      tags: { Name: `${config.prefix}-vpc` },
    });
    skipCheck(
      vpc,
      'CKV2_AWS_11',
      'VPC flow logs bill CloudWatch Logs ingestion outside the free tier; the only inbound path is one security-group port.',
    );
    new DefaultSecurityGroup(this, 'default-security-group', { vpcId: vpc.id });
    const subnet = new Subnet(this, 'public-subnet', {
      vpcId: vpc.id,
      cidrBlock: '10.42.1.0/24',
      // The alphabetically first zone that offers the type: the same zone on every plan, whatever order AWS lists.
      availabilityZone: Fn.element(Fn.sort(azs.locations), 0),
      // The instance gets its public address from the Elastic IP (on its network interface before it boots), never implicitly.
      mapPublicIpOnLaunch: false,
      tags: { Name: `${config.prefix}-public` },
    });
    const igw = new InternetGateway(this, 'internet-gateway', { vpcId: vpc.id });
    const routes = new RouteTable(this, 'public-routes', {
      vpcId: vpc.id,
      route: [{ cidrBlock: '0.0.0.0/0', gatewayId: igw.id }],
    });
    const routed = new RouteTableAssociation(this, 'public-routes-subnet', { subnetId: subnet.id, routeTableId: routes.id });

    // Only the app's HTTP port, and never 22 (Session Manager). Who may reach it: CloudFront's origin-facing addresses
    // (one server behind CloudFront), the load balancer's group (several servers, added by ScaleOut), or anyone
    // (one server without CloudFront, the opt-out).
    const cloudfrontOrigins = config.cloudfront
      ? new DataAwsEc2ManagedPrefixList(this, 'cloudfront-origin-facing', { name: CLOUDFRONT_ORIGIN_FACING })
      : undefined;
    this.securityGroup = new SecurityGroup(this, 'app-security-group', {
      name: `${config.prefix}-app`,
      description: 'Chat server HTTP port only; administration through SSM Session Manager',
      vpcId: vpc.id,
    });
    if (config.chatInstances < 2) {
      const open = new VpcSecurityGroupIngressRule(this, 'app-http-in', {
        securityGroupId: this.securityGroup.id,
        description: cloudfrontOrigins ? 'Chat HTTP and Socket.IO from CloudFront' : 'Chat HTTP and Socket.IO',
        ipProtocol: 'tcp',
        fromPort: config.appPort,
        toPort: config.appPort,
        ...(cloudfrontOrigins ? { prefixListId: cloudfrontOrigins.id } : { cidrIpv4: '0.0.0.0/0' }),
      });
      if (config.appPort === 80)
        skipCheck(
          open,
          'CKV_AWS_260',
          cloudfrontOrigins
            ? 'Admits only the CloudFront origin-facing prefix list (checkov cannot resolve a prefix list and reads it as open).'
            : 'CHAT_CLOUDFRONT=false: the opt-out serves plain HTTP to everyone, which the preflight warns about.',
        );
    }
    // AWS APIs, SSM, package repositories and nodejs.org are all HTTPS; DNS and NTP use the VPC's link-local services.
    new VpcSecurityGroupEgressRule(this, 'app-https-out', {
      securityGroupId: this.securityGroup.id,
      description: 'HTTPS out',
      ipProtocol: 'tcp',
      fromPort: 443,
      toPort: 443,
      cidrIpv4: '0.0.0.0/0',
    });

    // Created with `none`; ship-server.sh or roll-release.sh sets it after each healthy release, so terraform leaves
    // the value alone.
    this.releaseParameter = new SsmParameter(this, 'release-pointer', {
      name: releaseParameterName(config.ssmPrefix),
      type: 'String',
      value: NO_RELEASE,
      description: 'Commit SHA and bundle SHA-256 of the release every chat instance serves (set by release/ci/*.sh)',
      lifecycle: { ignoreChanges: ['value'] },
    });
    skipCheck(
      this.releaseParameter,
      'CKV2_AWS_34',
      'A commit SHA and a digest, not a secret; what it protects is the integrity of the bundle, which only the deploy role may set.',
    );

    this.instanceRole = new IamRole(this, 'instance-role', {
      name: `${config.prefix}-instance`,
      assumeRolePolicy: policyDocument({
        Effect: 'Allow',
        Principal: { Service: 'ec2.amazonaws.com' },
        Action: 'sts:AssumeRole',
      }),
    });
    // Exactly the calls the server's adapters make (the server declares and tests that list), on exactly its
    // queue, table and bucket.
    this.dataPolicy = new IamRolePolicy(this, 'instance-data-access', {
      name: 'chat-server-data',
      role: this.instanceRole.id,
      policy: policyDocument(
        {
          Sid: 'Queue',
          Effect: 'Allow',
          Action: [...SERVER_IAM_ACTIONS.queue],
          Resource: data.queue.arn,
        },
        {
          Sid: 'History',
          Effect: 'Allow',
          Action: [...SERVER_IAM_ACTIONS.table],
          Resource: data.table.arn,
        },
        {
          Sid: 'UploadObjects',
          Effect: 'Allow',
          Action: [...SERVER_IAM_ACTIONS.uploadObjects],
          Resource: `${data.uploads.bucket.arn}/rooms/*`,
        },
        {
          Sid: 'PendingUploads',
          Effect: 'Allow',
          Action: [...SERVER_IAM_ACTIONS.pendingUploadObjects],
          Resource: `${data.uploads.bucket.arn}/${PENDING_UPLOAD_PREFIX}*`,
        },
        { Sid: 'UploadsBucket', Effect: 'Allow', Action: [...SERVER_IAM_ACTIONS.uploadsBucket], Resource: data.uploads.bucket.arn },
        // The boot script and the pipeline's command fetch releases/<sha>/server.tgz with this role.
        { Sid: 'ReleaseBundles', Effect: 'Allow', Action: 's3:GetObject', Resource: `${this.artifacts.bucket.arn}/releases/*` },
        // The boot script reads which release to serve, and the service's start its secrets: this deployment's
        // parameters only, no other in the account.
        { Sid: 'ReleasePointer', Effect: 'Allow', Action: 'ssm:GetParameter', Resource: this.releaseParameter.arn },
        {
          Sid: 'Secrets',
          Effect: 'Allow',
          Action: 'ssm:GetParameters',
          Resource: [
            `arn:aws:ssm:${config.region}:${this.accountId}:parameter${secretsPath(config.ssmPrefix)}/*`,
            // The user pool's issuer and the chat's client id, which the auth stack writes (CHAT_AUTH=cognito).
            ...Object.values(authSettings(config)).map((name) => `arn:aws:ssm:${config.region}:${this.accountId}:parameter${name}`),
          ],
        },
      ),
    });
    // Session Manager and Run Command, and nothing else of SSM (constructs/ssm-agent-policy.ts says why not the
    // managed policy). The CloudWatch agent gets only what it does (below), not CloudWatchAgentServerPolicy, which
    // also grants creating any log group, reading SSM parameters, X-Ray and EC2 descriptions.
    this.ssmAgentPolicy = new IamRolePolicy(this, 'instance-ssm-agent', {
      name: 'ssm-agent',
      role: this.instanceRole.id,
      policy: policyDocument(...ssmAgentStatements()),
    });
    // The EC2 metrics' dimension: the one instance, or (CHAT_INSTANCES ≥ 2) the whole group.
    this.monitoring = new Monitoring(this, 'monitoring', {
      config,
      server:
        config.chatInstances >= 2
          ? { AutoScalingGroupName: Lazy.stringValue({ produce: () => this.scaleOut!.group.name }) }
          : { InstanceId: Lazy.stringValue({ produce: () => this.instance!.id }) },
    });
    this.agentPolicy = new IamRolePolicy(this, 'instance-cloudwatch-agent', {
      name: 'cloudwatch-agent',
      role: this.instanceRole.id,
      policy: policyDocument(...agentPolicyStatements([this.monitoring.serverLogs.arn, this.monitoring.metricsLogs.arn])),
    });
    const profile = new IamInstanceProfile(this, 'instance-profile', { name: `${config.prefix}-instance`, role: this.instanceRole.name });

    const siteOrigin = `http://${websiteHost(bucketName(config.prefix, 'site', this.accountId, config.region), config.region)}`;
    const arch = instanceArchitecture(config.instanceType);
    const ami = new DataAwsSsmParameter(this, 'al2023-ami', { name: al2023AmiParameter(arch) });
    const server = serverInstanceSettings({ amiId: ami.value, instanceType: config.instanceType, instanceProfileName: profile.name });
    const secretParameters = Object.fromEntries(secretsFor(config).map((n) => [n, secretParameterName(config.ssmPrefix, n)]));
    // One boot script for the single instance and every server of the group: it installs Node and the agent, then
    // serves the release the pointer names, so a new or replaced instance needs nobody to ship to it.
    const userData = (s: { redisAddress?: string; environment?: Record<string, string> } = {}) =>
      renderUserData({
        node: nodeRelease(config.nodeVersion),
        port: config.appPort,
        region: config.region,
        artifactBucket: this.artifacts.bucket.bucket,
        releaseParameter: releaseParameterName(config.ssmPrefix),
        environment: {
          HOST: '0.0.0.0',
          PORT: String(config.appPort),
          AWS_REGION: config.region,
          QUEUE_URL: data.queue.url,
          TABLE_NAME: data.table.name,
          // The table's capacity, which the server spends as a budget (on-demand: the same figure as its ceiling).
          STORE_WRITE_UNITS: String(config.dynamoCapacity),
          STORE_READ_UNITS: String(config.dynamoCapacity),
          UPLOADS_BUCKET: data.uploads.bucket.bucket,
          // With CloudFront the site and API share one origin; without it the site is the bucket's website endpoint.
          ...(config.cloudfront ? {} : { CORS_ORIGINS: siteOrigin }),
          DATA_DIR: '/var/lib/chat',
          LOG_LEVEL: 'info',
          ...authEnvironment(config),
          ...s.environment,
        },
        bootSteps: [
          // Plain names, not references: user data interpolates only the server's settings (dependsOn below orders them).
          cloudWatchAgentBootStep({ ...logGroupNames(config.prefix), port: config.appPort }),
          // ADMIN_TOKEN, METRICS_TOKEN, ORIGIN_SECRET (and REDIS_URL with Valkey's token) from SSM at every start.
          secretsBootStep({ parameters: secretParameters, redisAddress: s.redisAddress, settings: authSettings(config) }),
        ],
      });

    if (config.chatInstances >= 2) {
      const valkeyToken = new DataAwsSsmParameter(this, 'valkey-auth-token', {
        name: secretParameterName(config.ssmPrefix, 'valkey-auth-token'),
        withDecryption: true,
      });
      this.scaleOut = new ScaleOut(this, 'scale-out', {
        config,
        vpc,
        firstSubnetId: subnet.id,
        routeTableId: routes.id,
        secondAz: Fn.element(azs.locations, 1),
        appSecurityGroup: this.securityGroup,
        cloudfrontPrefixListId: cloudfrontOrigins?.id,
        cacheAuthToken: valkeyToken.value,
        server,
        userData: (redisAddress) =>
          userData({
            redisAddress,
            environment: {
              // X-Forwarded-For counts only from the load balancer (the VPC), and behind CloudFront one more hop,
              // proven by the origin secret. TRUST_PROXY is the hop count servers before TRUSTED_PROXIES read.
              TRUSTED_PROXIES: VPC_CIDR,
              TRUST_PROXY: config.cloudfront ? '2' : '1',
            },
          }),
        // The agent each server starts writes into the log groups, which it may not create itself.
        dependsOn: [routed, igw, this.monitoring.serverLogs, this.monitoring.metricsLogs],
      });
      const lbHttps = this.scaleOut.certificateArn !== undefined;
      this.origin = lbHttps
        ? { host: this.scaleOut.alb.dnsName, httpPort: 80, httpsPort: 443, protocol: 'https-only' }
        : { host: this.scaleOut.alb.dnsName, httpPort: 80, httpsPort: 443, protocol: 'http-only' };
      this.apiUrl = lbHttps && !config.cloudfront ? `https://${config.domainName}` : `http://${this.scaleOut.alb.dnsName}`;
      this.output('SERVER_GROUP', this.scaleOut.group.name, 'Auto Scaling group of the chat servers (the pipeline releases to each)');
      this.output(
        'LOAD_BALANCER_DNS_NAME',
        this.scaleOut.alb.dnsName,
        config.cloudfront
          ? 'The load balancer behind CloudFront (it admits only CloudFront)'
          : config.certificateArn
            ? `Point ${config.domainName} (CNAME or alias record) at this name`
            : "The load balancer's own name",
      );
      this.output('ARTIFACT_BUCKET', this.artifacts.bucket.bucket, 'Private bucket the pipeline uploads release bundles to');
      this.output('RELEASE_PARAMETER', this.releaseParameter.name, 'SSM parameter naming the release every instance serves');
      return;
    }

    // The network interface and its Elastic IP exist before the instance: the first boot's downloads have a public
    // address from the first second, and a replacement instance takes over the same address.
    const eni = new NetworkInterface(this, 'server-interface', {
      subnetId: subnet.id,
      securityGroups: [this.securityGroup.id],
      tags: { Name: `${config.prefix}-server` },
    });
    this.eip = new Eip(this, 'address', {
      domain: 'vpc',
      networkInterface: eni.id,
      tags: { Name: `${config.prefix}-server` },
      dependsOn: [igw],
    });
    this.instance = new Instance(this, 'server', {
      ...instanceArguments(server),
      primaryNetworkInterface: { networkInterfaceId: eni.id },
      // Behind CloudFront the peer is an edge server: X-Forwarded-For counts only with the origin secret (the server
      // reads ORIGIN_SECRET); TRUST_PROXY is the hop count servers before that read.
      userData: userData({ environment: config.cloudfront ? { TRUST_PROXY: '1' } : {} }),
      // New settings mean a new instance (user data runs once); it serves the pointer's release by itself.
      userDataReplaceOnChange: true,
      tags: { Name: `${config.prefix}-server` },
      // User data downloads Node on first boot: the subnet must already route to the internet, the address be there.
      // The agent it starts writes into the log groups, which it may not create itself.
      dependsOn: [routed, igw, this.eip, this.monitoring.serverLogs, this.monitoring.metricsLogs],
      lifecycle: { ignoreChanges: ['ami'] },
    });
    skipCheck(this.instance, 'CKV_AWS_126', 'Detailed (1-minute) monitoring is billed per metric; basic 5-minute metrics are free.');

    const apiPort = config.appPort === 80 ? '' : `:${config.appPort}`;
    this.origin = { host: this.eip.publicDns, httpPort: config.appPort, httpsPort: 443, protocol: 'http-only' };
    this.apiUrl = `http://${this.eip.publicDns}${apiPort}`;
    this.output('INSTANCE_ID', this.instance.id, 'EC2 instance the pipeline sends its SSM deploy command to');
    if (!config.cloudfront) this.output('INSTANCE_URL', this.apiUrl, 'The server reached directly (Elastic IP)');
    this.output('PUBLIC_IP', this.eip.publicIp, 'Elastic IP of the server');
    this.output('ARTIFACT_BUCKET', this.artifacts.bucket.bucket, 'Private bucket the pipeline uploads release bundles to');
    this.output('RELEASE_PARAMETER', this.releaseParameter.name, 'SSM parameter naming the release every instance serves');
  }
}
