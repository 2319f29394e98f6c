/**
 * Resource names derived from the configuration. Bucket names must be globally unique, so they embed the
 * account id and region; the compute stack needs the site bucket's website origin before the web stack exists
 * (the server's CORS setting), which is why these are pure functions rather than attributes.
 */

export const STACK_ORDER = ['data', 'compute', 'web', 'auth', 'ci', 'budget'] as const;
export type StackName = (typeof STACK_ORDER)[number];

/** The stacks a configuration has: the auth stack only when the deploy creates the user pool (CHAT_AUTH=cognito). */
export function stacksFor(c: { auth: string }): StackName[] {
  return STACK_ORDER.filter((n) => n !== 'auth' || c.auth === 'cognito');
}

export function stackId(prefix: string, stack: StackName): string {
  return `${prefix}-${stack}`;
}

export const queueName = (prefix: string) => `${prefix}-messages.fifo`;
export const deadLetterQueueName = (prefix: string) => `${prefix}-messages-dlq.fifo`;
export const tableName = (prefix: string) => `${prefix}-history`;
/** With CHAT_INSTANCES ≥ 2: the load balancer and the Valkey replication group between the servers. */
export const loadBalancerName = (prefix: string) => `${prefix}-alb`;
export const cacheGroupId = (prefix: string) => `${prefix}-cache`;
/** With CHAT_AUTH=cognito: the user pool (destroy's report finds it by this name) and its two roles. */
export const userPoolName = (prefix: string) => `${prefix}-users`;
export const AUTH_GROUPS = { admin: 'admin', moderator: 'moderator' } as const;
/**
 * Where the auth stack writes the pool's issuer and the chat's client id, which the servers read at every start: the
 * app client needs the chat's URL (the web stack), which needs the servers (the compute stack), so the servers cannot
 * take them from the stacks' references.
 */
export const authParameterName = (ssmPrefix: string, name: 'issuer' | 'client-id') => `${ssmPrefix}/auth/${name}`;
export const cognitoIssuer = (region: string, userPoolId: string) => `https://cognito-idp.${region}.amazonaws.com/${userPoolId}`;
/** The origin the browser fetches the pool's discovery document and keys from (its issuer's origin). */
export const cognitoApiOrigin = (region: string) => `https://cognito-idp.${region}.amazonaws.com`;
/** The hosted sign-in's origin (authorize, token, logout endpoints) for a domain prefix. */
export const cognitoHostedOrigin = (domainPrefix: string, region: string) => `https://${domainPrefix}.auth.${region}.amazoncognito.com`;

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

/**
 * What CloudFront sends to the servers (everything else is the site): every path the server answers that the web app
 * or an operator uses; not /metrics, which the instance's own agent scrapes.
 */
export const API_PATHS = [
  '/socket.io/*',
  '/history',
  '/upload-url',
  '/uploads/*',
  '/images/*',
  '/config.json',
  '/messages/*',
  '/healthz',
  '/readyz',
] as const;

/** Layout on the instance shared with the deploy pipeline's helper: releases/<sha>, `current` a symlink to one. */
export const APP_ROOT = '/opt/chat';
export const SERVER_MAIN = `${APP_ROOT}/current/app/server/dist/main.js`;
export const SERVICE_NAME = 'chat.service';
export const SERVICE_USER = 'chat';
/** The file the systemd unit appends the server's JSON log lines (pino) to; the CloudWatch agent tails it. */
export const SERVER_LOG_FILE = '/var/log/chat/server.log';

/**
 * The release pointer, the one name every party agrees on: an SSM String parameter holding what every instance
 * serves, `<commit sha> <sha256 of the bundle>` (`none` before the first release). release/ci/ship-server.sh (one
 * server) or roll-release.sh (once every server of the roll succeeded) sets it; the pipeline and `npm run deploy` both
 * ship through them. The boot script reads it and checks the bundle against the digest before unpacking it, so a new
 * or replaced instance serves the current release by itself, and only that bundle. The ci stack also publishes the
 * name as the deploy target `release-parameter`, which is how the shell scripts learn it.
 */
export const releaseParameterName = (ssmPrefix: string) => `${ssmPrefix}/release`;
export const NO_RELEASE = 'none';

export interface ReleaseRef {
  sha: string;
  bundleSha256: string;
}

/** The pointer's value, or undefined when it names no release (`none`, or the bare commit of an older kit). */
export function parseReleasePointer(value: string | undefined): ReleaseRef | undefined {
  const m = /^([0-9a-f]{40}) ([0-9a-f]{64})$/.exec(value ?? '');
  return m ? { sha: m[1]!, bundleSha256: m[2]! } : undefined;
}
/**
 * Release files carry this tag from upload until they become the current release, and again once another one
 * replaces them; the artifact bucket expires only tagged files, so the release a new instance needs never expires.
 */
export const SUPERSEDED_TAG = { key: 'chat-release', value: 'superseded' } as const;
/** The one file of a release: release/bundle.sh's tarball, its release.sh inside. */
export const BUNDLE_FILE = 'server.tgz';
/** Where a release's bundle is in the artifact bucket (ship-server.sh uploads it there, the instance fetches it). */
export const releaseKey = (sha: string) => `releases/${sha}/${BUNDLE_FILE}`;

/** Graviton families (a1, t4g, m7g, c6gn, …) are arm64: their AMI and Node tarball differ. */
export function instanceArchitecture(instanceType: string): 'arm64' | 'x86_64' {
  const family = instanceType.split('.')[0] ?? '';
  return family === 'a1' || /^[a-z]+\d+g/.test(family) ? 'arm64' : 'x86_64';
}
