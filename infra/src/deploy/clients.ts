/**
 * The AWS clients deploy, destroy and the preflight use, in one place: the region from the configuration, and any
 * endpoint from AWS_ENDPOINT_URL (moto in the tests, LocalStack) with the settings such an endpoint needs.
 */
import { ACMClient } from '@aws-sdk/client-acm';
import { CloudFrontClient } from '@aws-sdk/client-cloudfront';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EC2Client } from '@aws-sdk/client-ec2';
import { ElastiCacheClient } from '@aws-sdk/client-elasticache';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { S3Client } from '@aws-sdk/client-s3';
import { S3ControlClient } from '@aws-sdk/client-s3-control';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SSMClient } from '@aws-sdk/client-ssm';
import { STSClient } from '@aws-sdk/client-sts';

export interface AwsClients {
  sts: STSClient;
  ec2: EC2Client;
  s3: S3Client;
  s3control: S3ControlClient;
  ssm: SSMClient;
  sqs: SQSClient;
  dynamodb: DynamoDBClient;
  elbv2: ElasticLoadBalancingV2Client;
  elasticache: ElastiCacheClient;
  /** CloudFront is global; its API answers in us-east-1 whatever the stacks' region. */
  cloudfront: CloudFrontClient;
  logs: CloudWatchLogsClient;
  cognito: CognitoIdentityProviderClient;
  /** ACM in the stacks' region (a load balancer's certificate) and in us-east-1 (CloudFront's). */
  acm: ACMClient;
  acmCloudfront: ACMClient;
}

/** An endpoint provider that always answers the given URL (no host prefixes, no per-account host names). */
export const fixedEndpoint = (url: string) => () => ({ url: new URL(url) });

export function awsClients(region: string, env: Record<string, string | undefined> = process.env): AwsClients {
  const endpoint = env.AWS_ENDPOINT_URL || undefined;
  const base = { region, maxAttempts: 3, ...(endpoint ? { endpoint } : {}) };
  return {
    sts: new STSClient(base),
    ec2: new EC2Client(base),
    // An endpoint on an IP address has no bucket subdomains.
    s3: new S3Client({ ...base, forcePathStyle: endpoint !== undefined }),
    // S3 Control's endpoint rules put the account id in front of the host name, which an IP endpoint cannot have.
    s3control: new S3ControlClient({ ...base, ...(endpoint ? { endpointProvider: fixedEndpoint(endpoint) } : {}) }),
    ssm: new SSMClient(base),
    sqs: new SQSClient(base),
    dynamodb: new DynamoDBClient(base),
    elbv2: new ElasticLoadBalancingV2Client(base),
    elasticache: new ElastiCacheClient(base),
    cloudfront: new CloudFrontClient({ ...base, region: 'us-east-1' }),
    logs: new CloudWatchLogsClient(base),
    cognito: new CognitoIdentityProviderClient(base),
    acm: new ACMClient(base),
    acmCloudfront: new ACMClient({ ...base, region: 'us-east-1' }),
  };
}
