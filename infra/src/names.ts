/**
 * Resource names derived from the configuration. Bucket names must be globally unique, so they embed the
 * account id and region; the compute stack needs the site bucket's website origin before the web stack exists
 * (the server's CORS setting), which is why these are pure functions rather than attributes.
 */

export const STACK_ORDER = ['data', 'compute', 'web', 'ci', 'budget'] as const;
export type StackName = (typeof STACK_ORDER)[number];

export function stackId(prefix: string, stack: StackName): string {
  return `${prefix}-${stack}`;
}

export const queueName = (prefix: string) => `${prefix}-messages.fifo`;
export const deadLetterQueueName = (prefix: string) => `${prefix}-messages-dlq.fifo`;
export const tableName = (prefix: string) => `${prefix}-history`;
/** With CHAT_INSTANCES ≥ 2: the load balancer and the Valkey replication group between the servers. */
export const loadBalancerName = (prefix: string) => `${prefix}-alb`;
export const cacheGroupId = (prefix: string) => `${prefix}-cache`;
/** CloudFront distributions have no name: this comment is how `destroy` recognises the deployment's one. */
export const distributionComment = (prefix: string) => `${prefix} chat: site and API`;
/** The log groups the agent writes to: the server's log lines, and the metrics it scrapes (as EMF events). */
export const logGroupNames = (prefix: string) => ({ logGroup: `/${prefix}/server`, metricsLogGroup: `/${prefix}/metrics` });

export const bucketName = (prefix: string, role: 'uploads' | 'site' | 'artifacts', accountId: string, region: string) =>
  `${prefix}-${role}-${accountId}-${region}`;

// Regions launched before 2014 use a dash before the region in website endpoints; later ones use a dot.
const DASH_WEBSITE_REGIONS = new Set([
  'us-east-1',
  'us-west-1',
  'us-west-2',
  'eu-west-1',
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-northeast-1',
  'sa-east-1',
  'us-gov-west-1',
]);

export function websiteHost(bucket: string, region: string): string {
  const sep = DASH_WEBSITE_REGIONS.has(region) ? '-' : '.';
  return `${bucket}.s3-website${sep}${region}.amazonaws.com`;
}

/** Paths the server answers; with CloudFront they are routed to the instance, everything else to the site. */
export const API_PATHS = ['/socket.io/*', '/history*', '/upload-url*', '/images/*', '/healthz', '/readyz', '/config.json'] as const;

/** Layout on the instance shared with the deploy pipeline's helper: releases/<sha>, `current` a symlink to one. */
export const APP_ROOT = '/opt/chat';
export const SERVER_MAIN = `${APP_ROOT}/current/app/server/dist/main.js`;
export const SERVICE_NAME = 'chat.service';
export const SERVICE_USER = 'chat';
/** The file the systemd unit appends the server's JSON log lines (pino) to; the CloudWatch agent tails it. */
export const SERVER_LOG_FILE = '/var/log/chat/server.log';

/**
 * The release pointer, the one name every party agrees on: an SSM String parameter holding the commit SHA every
 * instance serves (`none` before the first release). release/ci/ship-server.sh sets it once a release passed its
 * health check (the pipeline and `npm run deploy` both ship through it); the boot script reads it, so a new or
 * replaced instance serves the current release by itself. The ci stack also publishes the name as the deploy
 * target `release-parameter`, which is how the shell scripts learn it.
 */
export const releaseParameterName = (ssmPrefix: string) => `${ssmPrefix}/release`;
export const NO_RELEASE = 'none';
/**
 * Release files carry this tag from upload until they become the current release, and again once another one
 * replaces them; the artifact bucket expires only tagged files, so the release a new instance needs never expires.
 */
export const SUPERSEDED_TAG = { key: 'chat-release', value: 'superseded' } as const;
/** Where a release's files are in the artifact bucket (ship-server.sh uploads there, the instance fetches). */
export const releaseKey = (sha: string, file: 'server.tgz' | 'release.sh') => `releases/${sha}/${file}`;

/** Graviton families (a1, t4g, m7g, c6gn, …) are arm64: their AMI and Node tarball differ. */
export function instanceArchitecture(instanceType: string): 'arm64' | 'x86_64' {
  const family = instanceType.split('.')[0] ?? '';
  return family === 'a1' || /^[a-z]+\d+g/.test(family) ? 'arm64' : 'x86_64';
}
