/**
 * The one place that decides how the stacks look. Every setting has a default that synthesizes without an AWS
 * account; `deploy`'s preflight (deploy/preflight.ts) insists on the settings only a human can provide (the alert e-mail).
 */

import { NODE_CHECKSUMS, pinnedNodeVersion } from './boot/node-release';

export type DynamoBilling = 'provisioned' | 'on-demand';
/** Who may use the chat: a Cognito user pool the deploy creates, another OpenID Connect provider, or anyone (the opt-out). */
export type AuthProvider = 'cognito' | 'oidc' | 'open';

export interface InfraConfig {
  /** AWS region of every stack (Budgets is global and ignores it). */
  region: string;
  /** Prefix of every resource name; also the tag `Project`. */
  prefix: string;
  /** `owner/repo` whose main branch may assume the deploy role; unset (the placeholder), deploy skips the ci stack. */
  githubRepo: string;
  /** Branch allowed to deploy. */
  githubBranch: string;
  /**
   * GitHub environment of the deploy job (deploy.yml runs in `production`): GitHub then puts `environment:<name>` in
   * the token's subject instead of the branch, so the trust names the environment, and that environment's
   * deployment branches are limited to main in GitHub. `none` trusts the branch itself.
   */
  githubEnvironment?: string;
  /** SSM Parameter Store prefix under which the ci stack writes the deploy targets the workflow reads. */
  ssmPrefix: string;
  /** Whether the ci stack creates the account's GitHub OIDC provider (an account holds at most one per URL). */
  createOidcProvider: boolean;
  alertEmail: string;
  /** Monthly budget in USD; an e-mail also goes out at the first cent actually spent. */
  budgetUsd: number;
  /**
   * EC2 instance type. Unset, `npm run deploy` picks the first free-tier-eligible type the account and region offer
   * (preflight); synth alone uses t3.micro. Graviton types (t4g…) get the arm64 AMI and Node tarball.
   */
  instanceType: string;
  /**
   * Port the server listens on. 3000, the server's own default and the port release/release.sh checks /readyz on;
   * below 1024 the unit grants CAP_NET_BIND_SERVICE to its unprivileged user.
   */
  appPort: number;
  /**
   * CloudFront in front of site and API (the default): one https:// origin, the site from a private bucket, the
   * servers reachable only through it. `false` is the explicit opt-out to plain HTTP, which the preflight warns about.
   */
  cloudfront: boolean;
  dynamoBilling: DynamoBilling;
  /** Provisioned capacity per direction; 25 each is the always-free allowance across all tables. */
  dynamoCapacity: number;
  pointInTimeRecovery: boolean;
  deletionProtection: boolean;
  /** Days after which uploaded images expire; 0 keeps them (history links to them). */
  uploadExpiryDays: number;
  /** Days CloudWatch Logs keeps the server's log lines (one of CloudWatch's retention values). */
  logRetentionDays: number;
  /** Node.js release installed on the instance: the repository's .nvmrc, or another 24.x.y with pinned checksums. */
  nodeVersion: string;
  /**
   * Chat servers. 1 (default): exactly the single free-tier instance, no load balancer, no ElastiCache. 2 or more: an
   * ALB, an Auto Scaling group across two AZs and ElastiCache for Valkey between the servers (billed; see README).
   */
  chatInstances: number;
  /**
   * An ACM certificate for `domainName`. With CloudFront: the distribution's custom name (CloudFront takes certificates
   * from us-east-1 only); when the stacks are in us-east-1 too and there is a load balancer, it also holds it, so
   * CloudFront reaches it over HTTPS. Without CloudFront (CHAT_INSTANCES ≥ 2): HTTPS on the load balancer, a
   * certificate from the stacks' region; port 80 then only redirects to 443.
   */
  certificateArn?: string;
  /** The name the certificate covers; your DNS points it (CNAME or alias) at the distribution, or the load balancer. */
  domainName?: string;
  /**
   * How a changed Valkey AUTH token is applied: ROTATE (the old and the new one both work) or SET (only the new).
   * `npm run rotate-secrets` sets SET for its last step; leave it unset.
   */
  valkeyTokenUpdate: 'ROTATE' | 'SET';
  /**
   * Sign-in. `cognito` (the default): the auth stack creates a user pool (Lite tier), its hosted sign-in domain and the
   * chat's app client, and invites alertEmail as the first admin. `oidc`: another provider, authIssuer + authClientId,
   * no pool. `open`: no sign-in at all, anyone with the URL reads and posts (the preflight warns).
   */
  auth: AuthProvider;
  /** With auth `oidc`: the provider's issuer URL (https://) and the chat's public client id there. */
  authIssuer?: string;
  authClientId?: string;
  /** The user pool's sign-up: `invite` (only an admin adds people, the default) or `open` (self-sign-up, e-mail verified). */
  signup: 'invite' | 'open';
  /** Remote state: when set, every stack keeps its state in this S3 bucket instead of local files. */
  stateBucket?: string;
  stateRegion?: string;
}

export const DEFAULTS: InfraConfig = {
  region: 'us-east-1',
  prefix: 'chat',
  githubRepo: 'example/realtime-chat',
  githubBranch: 'main',
  githubEnvironment: 'production',
  ssmPrefix: '/chat/prod',
  createOidcProvider: true,
  alertEmail: 'alerts@example.com',
  budgetUsd: 5,
  instanceType: 't3.micro',
  appPort: 3000,
  cloudfront: true,
  dynamoBilling: 'provisioned',
  dynamoCapacity: 25,
  pointInTimeRecovery: false,
  deletionProtection: false,
  uploadExpiryDays: 0,
  logRetentionDays: 14,
  nodeVersion: pinnedNodeVersion(),
  chatInstances: 1,
  valkeyTokenUpdate: 'ROTATE',
  auth: 'cognito',
  signup: 'invite',
};

/** Environment variable → setting. Kept explicit so the README table and the code cannot drift apart silently. */
export const ENV_NAMES = {
  region: 'CHAT_REGION',
  prefix: 'CHAT_PREFIX',
  githubRepo: 'CHAT_GITHUB_REPO',
  githubBranch: 'CHAT_GITHUB_BRANCH',
  githubEnvironment: 'CHAT_GITHUB_ENVIRONMENT',
  ssmPrefix: 'CHAT_SSM_PREFIX',
  createOidcProvider: 'CHAT_CREATE_OIDC_PROVIDER',
  alertEmail: 'CHAT_ALERT_EMAIL',
  budgetUsd: 'CHAT_BUDGET_USD',
  instanceType: 'CHAT_INSTANCE_TYPE',
  appPort: 'CHAT_APP_PORT',
  cloudfront: 'CHAT_CLOUDFRONT',
  dynamoBilling: 'CHAT_DYNAMO_BILLING',
  dynamoCapacity: 'CHAT_DYNAMO_CAPACITY',
  pointInTimeRecovery: 'CHAT_PITR',
  deletionProtection: 'CHAT_DELETION_PROTECTION',
  uploadExpiryDays: 'CHAT_UPLOAD_EXPIRY_DAYS',
  logRetentionDays: 'CHAT_LOG_RETENTION_DAYS',
  nodeVersion: 'CHAT_NODE_VERSION',
  chatInstances: 'CHAT_INSTANCES',
  certificateArn: 'CHAT_CERTIFICATE_ARN',
  domainName: 'CHAT_DOMAIN',
  valkeyTokenUpdate: 'CHAT_VALKEY_TOKEN_UPDATE',
  auth: 'CHAT_AUTH',
  authIssuer: 'CHAT_AUTH_ISSUER',
  authClientId: 'CHAT_AUTH_CLIENT_ID',
  signup: 'CHAT_SIGNUP',
  stateBucket: 'CHAT_STATE_BUCKET',
  stateRegion: 'CHAT_STATE_REGION',
} as const satisfies Record<keyof InfraConfig, string>;

/** Defaults that stand for "not set": the preflight refuses the e-mail, and deploy does not apply the ci stack for it. */
export const PLACEHOLDER_DEFAULTS: ReadonlySet<keyof InfraConfig> = new Set(['alertEmail', 'githubRepo']);

/** One line per setting for `npm run deploy -- --help`; infra/README.md's Configuration table says more. */
export const SETTING_HELP = {
  region: 'region of every stack (else AWS_REGION)',
  prefix: 'prefix of every name (3–16 of a-z0-9-)',
  githubRepo: 'owner/repo whose pipeline may deploy; unset, deploy does not apply the ci stack',
  githubBranch: 'the branch that may deploy',
  githubEnvironment: "the deploy job's GitHub environment (none: trust the branch)",
  ssmPrefix: 'where the deploy targets are written in Parameter Store',
  createOidcProvider: 'false if the account already has the GitHub OIDC provider',
  alertEmail: 'where budget and alarm mail goes (required to deploy; example domains are refused)',
  budgetUsd: 'monthly budget in USD',
  instanceType: 'the instance type (deploy: the first free-tier-eligible one it finds)',
  appPort: "the server's port",
  cloudfront: 'CloudFront in front of site and API (HTTPS, private site bucket); false is the plain-HTTP opt-out',
  dynamoBilling: 'provisioned | on-demand',
  dynamoCapacity: 'provisioned capacity per direction (1–25)',
  pointInTimeRecovery: 'point-in-time recovery of the history table',
  deletionProtection: 'deletion protection of the history table',
  uploadExpiryDays: 'expire uploaded images after N days (0 keeps them)',
  logRetentionDays: "days CloudWatch Logs keeps the server's lines",
  nodeVersion: 'Node on the instance (a 24.x.y with pinned checksums)',
  chatInstances: 'chat servers; 2–10 adds a load balancer, Auto Scaling and Valkey (billed)',
  certificateArn: 'ACM certificate for CHAT_DOMAIN (us-east-1 with CloudFront), or for HTTPS on the load balancer',
  domainName: 'the name that certificate covers',
  valkeyTokenUpdate: 'how a changed Valkey AUTH token is applied: ROTATE (old and new both work) or SET',
  auth: 'sign-in: cognito (a user pool, the default) | oidc (another provider) | open (anyone with the URL reads and posts)',
  authIssuer: "with CHAT_AUTH=oidc: the provider's issuer URL (https://)",
  authClientId: "with CHAT_AUTH=oidc: the chat's public client id (no secret) at that provider",
  signup: 'with CHAT_AUTH=cognito: invite (admins add people) | open (self-sign-up, e-mail verified)',
  stateBucket: 'S3 bucket for the Terraform state (unset: local files)',
  stateRegion: "that bucket's region",
} as const satisfies Record<keyof InfraConfig, string>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid infra configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

const REGION = /^[a-z]{2}(-gov)?-[a-z]+-\d$/;
const PREFIX = /^[a-z][a-z0-9-]{1,14}[a-z0-9]$/;
// GitHub: owner 1–39 of [A-Za-z0-9-]; repository names also allow `.` and `_`.
const REPO = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/[A-Za-z0-9._-]{1,100}$/;
const BRANCH = /^[A-Za-z0-9._/-]{1,100}$/;
const ENVIRONMENT = /^[A-Za-z0-9._-]{1,255}$/;
const SSM_PREFIX = /^(\/[A-Za-z0-9_.-]+)+$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const INSTANCE_TYPE = /^[a-z][a-z0-9-]*\.[a-z0-9]+$/;
const CERTIFICATE_ARN = /^arn:aws[a-z-]*:acm:([a-z]{2}(?:-gov)?-[a-z]+-\d):\d{12}:certificate\/[0-9a-f-]{36}$/;
const DOMAIN = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const ISSUER = /^https:\/\/[A-Za-z0-9.-]+(:\d+)?(\/[A-Za-z0-9._~%\/-]*)?$/;
const CLIENT_ID = /^[A-Za-z0-9._@:-]{1,255}$/;
/** Cognito refuses these words in a hosted-domain prefix, which starts with CHAT_PREFIX. */
export const COGNITO_RESERVED_WORDS = ['aws', 'amazon', 'cognito'] as const;
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
/** CloudFront uses certificates from this region only, whatever the stacks' region. */
export const CLOUDFRONT_CERTIFICATE_REGION = 'us-east-1';
/** The values CloudWatch Logs accepts as a retention, up to a year (longer is possible but never free). */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365] as const;

/** Validates a complete configuration; throws a ConfigError listing every problem at once. */
export function validateConfig(c: InfraConfig): InfraConfig {
  const p: string[] = [];
  if (!REGION.test(c.region)) p.push(`region "${c.region}" is not an AWS region name like us-east-1`);
  // Bucket names embed prefix + account id + region and must stay within 63 characters.
  if (!PREFIX.test(c.prefix)) p.push(`prefix "${c.prefix}" must be 3–16 of [a-z0-9-], start with a letter, not end with "-"`);
  if (!REPO.test(c.githubRepo)) p.push(`githubRepo "${c.githubRepo}" must look like owner/repo`);
  if (!BRANCH.test(c.githubBranch) || c.githubBranch.includes('*')) p.push(`githubBranch "${c.githubBranch}" is not a plain branch name`);
  if (c.githubEnvironment !== undefined && !ENVIRONMENT.test(c.githubEnvironment))
    p.push(`githubEnvironment "${c.githubEnvironment}" is not a GitHub environment name`);
  if (!SSM_PREFIX.test(c.ssmPrefix) || c.ssmPrefix.toLowerCase().startsWith('/aws') || c.ssmPrefix.toLowerCase().startsWith('/ssm'))
    p.push(`ssmPrefix "${c.ssmPrefix}" must be a parameter path like /chat/prod`);
  if (!EMAIL.test(c.alertEmail)) p.push(`alertEmail "${c.alertEmail}" is not an e-mail address`);
  if (!(Number.isFinite(c.budgetUsd) && c.budgetUsd >= 1 && c.budgetUsd <= 10000))
    p.push(`budgetUsd ${c.budgetUsd} must be between 1 and 10000`);
  if (!INSTANCE_TYPE.test(c.instanceType)) p.push(`instanceType "${String(c.instanceType)}" is not an EC2 instance type like t3.micro`);
  if (!(Number.isInteger(c.appPort) && c.appPort >= 1 && c.appPort <= 65535) || c.appPort === 22)
    p.push(`appPort ${c.appPort} must be a TCP port other than 22`);
  if (c.dynamoBilling !== 'provisioned' && c.dynamoBilling !== 'on-demand')
    p.push(`dynamoBilling "${String(c.dynamoBilling)}" must be provisioned or on-demand`);
  if (!(Number.isInteger(c.dynamoCapacity) && c.dynamoCapacity >= 1 && c.dynamoCapacity <= 25))
    p.push(`dynamoCapacity ${c.dynamoCapacity} must be 1–25 (the free allowance is 25 per direction)`);
  if (!(Number.isInteger(c.uploadExpiryDays) && c.uploadExpiryDays >= 0 && c.uploadExpiryDays <= 3650))
    p.push(`uploadExpiryDays ${c.uploadExpiryDays} must be 0 (keep) to 3650`);
  if (!(LOG_RETENTION_DAYS as readonly number[]).includes(c.logRetentionDays))
    p.push(`logRetentionDays ${c.logRetentionDays} must be one of ${LOG_RETENTION_DAYS.join(', ')}`);
  if (!/^24\./.test(c.nodeVersion) || !NODE_CHECKSUMS[c.nodeVersion]) {
    p.push(
      `nodeVersion "${c.nodeVersion}" must be a Node 24 release with checksums pinned in infra/src/boot/node-release.ts (${Object.keys(NODE_CHECKSUMS).join(', ')})`,
    );
  }
  if (!(Number.isInteger(c.chatInstances) && c.chatInstances >= 1 && c.chatInstances <= 10))
    p.push(`chatInstances ${c.chatInstances} must be 1 (one free-tier instance) to 10`);
  if (c.certificateArn !== undefined) {
    const arn = CERTIFICATE_ARN.exec(c.certificateArn);
    if (!arn)
      p.push(`certificateArn "${c.certificateArn}" is not an ACM certificate ARN like arn:aws:acm:us-east-1:123456789012:certificate/…`);
    else if (c.cloudfront && arn[1] !== CLOUDFRONT_CERTIFICATE_REGION)
      p.push(`certificateArn is in ${arn[1]}; CloudFront takes certificates from ${CLOUDFRONT_CERTIFICATE_REGION} only: request one there`);
    else if (!c.cloudfront && arn[1] !== c.region)
      p.push(`certificateArn is in ${arn[1]}; a load balancer in ${c.region} needs a certificate issued in ${c.region}`);
    if (!c.cloudfront && c.chatInstances < 2)
      p.push(
        'certificateArn without CloudFront needs CHAT_INSTANCES ≥ 2 (a load balancer to hold it); one instance gets HTTPS from CloudFront (the default)',
      );
    if (c.domainName === undefined)
      p.push('certificateArn needs CHAT_DOMAIN: the name it covers, which your DNS points at the distribution or the load balancer');
  } else if (c.domainName !== undefined) {
    p.push('domainName needs certificateArn (CHAT_CERTIFICATE_ARN): the certificate that covers it');
  }
  if (c.valkeyTokenUpdate !== 'ROTATE' && c.valkeyTokenUpdate !== 'SET')
    p.push(`valkeyTokenUpdate "${String(c.valkeyTokenUpdate)}" must be ROTATE or SET`);
  if (c.auth !== 'cognito' && c.auth !== 'oidc' && c.auth !== 'open') p.push(`auth "${String(c.auth)}" must be cognito, oidc or open`);
  if (c.signup !== 'invite' && c.signup !== 'open') p.push(`signup "${String(c.signup)}" must be invite or open`);
  if (c.auth === 'oidc') {
    if (c.authIssuer === undefined || !ISSUER.test(c.authIssuer))
      p.push(
        `auth oidc needs CHAT_AUTH_ISSUER, the provider's https:// issuer URL (got ${c.authIssuer === undefined ? 'nothing' : `"${c.authIssuer}"`})`,
      );
    if (c.authClientId === undefined || !CLIENT_ID.test(c.authClientId))
      p.push(
        `auth oidc needs CHAT_AUTH_CLIENT_ID, the chat's client id at the provider (got ${c.authClientId === undefined ? 'nothing' : `"${c.authClientId}"`})`,
      );
  } else if (c.authIssuer !== undefined || c.authClientId !== undefined) {
    p.push(`CHAT_AUTH_ISSUER and CHAT_AUTH_CLIENT_ID are for CHAT_AUTH=oidc (auth is ${c.auth})`);
  }
  if (c.auth === 'cognito') {
    const word = COGNITO_RESERVED_WORDS.find((w) => c.prefix.includes(w));
    if (word) p.push(`prefix "${c.prefix}" contains "${word}", which Cognito refuses in the sign-in domain it starts`);
  }
  if (c.domainName !== undefined && !DOMAIN.test(c.domainName))
    p.push(`domainName "${c.domainName}" is not a host name like chat.example.com`);
  if (c.stateBucket !== undefined && !BUCKET.test(c.stateBucket)) p.push(`stateBucket "${c.stateBucket}" is not an S3 bucket name`);
  if (c.stateRegion !== undefined && !REGION.test(c.stateRegion)) p.push(`stateRegion "${c.stateRegion}" is not an AWS region name`);
  if (p.length > 0) throw new ConfigError(p);
  return c;
}

/**
 * The certificate the load balancer holds, if any: without CloudFront it is CHAT_CERTIFICATE_ARN (issued in the
 * stacks' region); behind CloudFront the same certificate only when the stacks are in us-east-1, where CloudFront's
 * certificates are too (CloudFront checks it against CHAT_DOMAIN, the Host it forwards). Elsewhere CloudFront reaches
 * the load balancer over plain HTTP.
 */
export function loadBalancerCertificate(c: InfraConfig): string | undefined {
  if (c.chatInstances < 2 || c.certificateArn === undefined) return undefined;
  if (c.cloudfront && c.region !== CLOUDFRONT_CERTIFICATE_REGION) return undefined;
  return c.certificateArn;
}

function parseBool(name: string, v: string, problems: string[]): boolean {
  if (/^(1|true|yes|on)$/i.test(v)) return true;
  if (/^(0|false|no|off)$/i.test(v)) return false;
  problems.push(`${name}="${v}" must be true or false`);
  return false;
}

function parseNumber(name: string, v: string, problems: string[]): number {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n)) problems.push(`${name}="${v}" must be a number`);
  return n;
}

/** Reads the configuration from environment variables (names in ENV_NAMES) over the defaults, then validates. */
export function loadConfig(env: Record<string, string | undefined> = process.env, overrides: Partial<InfraConfig> = {}): InfraConfig {
  const problems: string[] = [];
  const c: InfraConfig = { ...DEFAULTS };
  const get = (key: keyof InfraConfig): string | undefined => {
    const v = env[ENV_NAMES[key]];
    return v === undefined || v === '' ? undefined : v;
  };
  for (const key of Object.keys(ENV_NAMES) as (keyof InfraConfig)[]) {
    const v = get(key);
    if (v === undefined) continue;
    const name = ENV_NAMES[key];
    const d = DEFAULTS[key];
    if (typeof d === 'boolean') (c as unknown as Record<string, unknown>)[key] = parseBool(name, v, problems);
    else if (typeof d === 'number') (c as unknown as Record<string, unknown>)[key] = parseNumber(name, v, problems);
    else (c as unknown as Record<string, unknown>)[key] = v;
  }
  if (c.githubEnvironment === 'none') delete c.githubEnvironment;
  // Two deployments in one account (two prefixes) must not write the same parameters.
  if (get('ssmPrefix') === undefined && overrides.ssmPrefix === undefined) c.ssmPrefix = `/${overrides.prefix ?? c.prefix}/prod`;
  // AWS_REGION is what AWS tooling already exports; honour it when CHAT_REGION is not given.
  if (get('region') === undefined && env.AWS_REGION) c.region = env.AWS_REGION;
  if (problems.length > 0) throw new ConfigError(problems);
  return validateConfig({ ...c, ...overrides });
}
