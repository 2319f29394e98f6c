/**
 * `npm run deploy -- --check` (and the first thing deploy and destroy do): small checks that change nothing, each
 * with a one-line fix when it fails. Works against any endpoint (AWS_ENDPOINT_URL).
 */
import { spawnSync } from 'node:child_process';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { DescribeInstanceTypesCommand, type InstanceTypeInfo } from '@aws-sdk/client-ec2';
import { GetPublicAccessBlockCommand } from '@aws-sdk/client-s3-control';
import { DescribeCertificateCommand } from '@aws-sdk/client-acm';
import type { AwsClients } from './clients';
import { CLOUDFRONT_CERTIFICATE_REGION, DEFAULTS, ENV_NAMES, loadBalancerCertificate, type InfraConfig } from '../config';
import { getAccountPlan, type AccountPlan } from './account-plan';
import { secretStates } from './secrets';
import { secretsPath } from '../secrets';

export type CheckStatus = 'ok' | 'warn' | 'fail';

export interface CheckResult {
  name: string;
  status: CheckStatus;
  detail: string;
  /** One line: what to do when the status is not ok. */
  fix?: string;
}

export interface PreflightReport {
  checks: CheckResult[];
  ok: boolean;
  accountId?: string;
  /** The instance type the deploy will use (configured, or discovered free-tier-eligible). */
  instanceType?: string;
  /** terraform or tofu, whichever was found. */
  terraform?: string;
}

export interface PreflightOptions {
  config: InfraConfig;
  env: Record<string, string | undefined>;
  clients: AwsClients;
  /** destroy and rotate need credentials, region and terraform only. */
  mode: 'deploy' | 'destroy' | 'rotate';
}

const MIN_TERRAFORM = [1, 10] as const;

const errorText = (e: unknown): string => {
  const err = e as { name?: string; message?: string; Code?: string };
  return `${err.name ?? 'Error'}: ${err.message ?? String(e)}`;
};

/** STS GetCallerIdentity: whether the shell has working credentials, and for which account. */
export async function checkCredentials(clients: AwsClients, env: PreflightOptions['env']): Promise<CheckResult & { accountId?: string }> {
  const profile = env.AWS_PROFILE || 'default';
  try {
    const id = await clients.sts.send(new GetCallerIdentityCommand({}));
    return { name: 'credentials', status: 'ok', detail: `account ${id.Account} as ${id.Arn}`, accountId: id.Account };
  } catch (e) {
    const text = errorText(e);
    const base = { name: 'credentials', status: 'fail' as const, detail: text };
    if (/sso/i.test(text) || /token is expired/i.test(text)) {
      return {
        ...base,
        detail: `the SSO session of profile ${profile} has expired or is missing (${text})`,
        fix: `aws sso login --profile ${profile}`,
      };
    }
    if (/expired/i.test(text)) {
      return {
        ...base,
        detail: `the credentials have expired (${text})`,
        fix: `get a fresh session (aws sso login --profile ${profile}, or new keys with aws configure)`,
      };
    }
    if (/could not load credentials|CredentialsProviderError|profile .* could not be found/i.test(text)) {
      return {
        ...base,
        detail: `no AWS credentials found (${text})`,
        fix: 'aws configure   (or aws configure sso, then export AWS_PROFILE=<profile>)',
      };
    }
    if (/InvalidClientTokenId|SignatureDoesNotMatch|UnrecognizedClient/i.test(text)) {
      return {
        ...base,
        detail: `AWS refused the access key (${text})`,
        fix: 'aws configure   (the key is wrong, deleted or for another partition)',
      };
    }
    return { ...base, fix: `check the network and the credentials of profile ${profile} (aws sts get-caller-identity)` };
  }
}

export function checkRegion(config: InfraConfig, env: PreflightOptions['env']): CheckResult {
  const source = env[ENV_NAMES.region] ? ENV_NAMES.region : env.AWS_REGION ? 'AWS_REGION' : 'the default';
  const other = env[ENV_NAMES.region] && env.AWS_REGION && env.AWS_REGION !== config.region;
  return {
    name: 'region',
    status: other ? 'warn' : 'ok',
    detail: `${config.region} (from ${source})${other ? `; AWS_REGION is ${env.AWS_REGION}, the stacks use ${config.region}` : ''}`,
    ...(other ? { fix: `unset one of them, or make them agree: export AWS_REGION=${config.region}` } : {}),
  };
}

/** terraform or OpenTofu on PATH (TERRAFORM_BINARY_NAME first, as cdktf reads it), version >= 1.10. */
export function checkTerraform(env: PreflightOptions['env']): CheckResult & { binary?: string } {
  const candidates = [env.TERRAFORM_BINARY_NAME, 'terraform', 'tofu'].filter((c): c is string => Boolean(c));
  for (const bin of candidates) {
    const r = spawnSync(bin, ['version', '-json'], { encoding: 'utf8', env: env });
    if (r.status !== 0) continue;
    let version = '';
    try {
      version = String(JSON.parse(r.stdout).terraform_version ?? '');
    } catch {
      version = /v?(\d+\.\d+\.\d+)/.exec(r.stdout)?.[1] ?? '';
    }
    const [major = 0, minor = 0] = version.split('.').map(Number);
    const recent = major > MIN_TERRAFORM[0] || (major === MIN_TERRAFORM[0] && minor >= MIN_TERRAFORM[1]);
    if (!recent) {
      return {
        name: 'terraform',
        status: 'fail',
        detail: `${bin} ${version || '(unknown version)'} is older than 1.10`,
        fix: 'install terraform >= 1.10 or OpenTofu >= 1.10 (see infra/README.md)',
        binary: bin,
      };
    }
    return { name: 'terraform', status: 'ok', detail: `${bin} ${version}`, binary: bin };
  }
  return {
    name: 'terraform',
    status: 'fail',
    detail: 'neither terraform nor tofu is on PATH',
    fix: 'install terraform >= 1.10 (https://developer.hashicorp.com/terraform/install) or OpenTofu >= 1.10 (https://opentofu.org/docs/intro/install/)',
  };
}

/** Free-tier-eligible types the account and region offer, x86_64 first (the pipeline builds on x64), smallest first. */
export async function freeTierTypes(clients: AwsClients): Promise<InstanceTypeInfo[]> {
  const types: InstanceTypeInfo[] = [];
  let NextToken: string | undefined;
  do {
    const page = await clients.ec2.send(
      new DescribeInstanceTypesCommand({ Filters: [{ Name: 'free-tier-eligible', Values: ['true'] }], NextToken }),
    );
    types.push(...(page.InstanceTypes ?? []));
    NextToken = page.NextToken;
  } while (NextToken);
  const x86 = (t: InstanceTypeInfo) => (t.ProcessorInfo?.SupportedArchitectures ?? []).includes('x86_64');
  return types.sort(
    (a, b) =>
      Number(x86(b)) - Number(x86(a)) ||
      (a.MemoryInfo?.SizeInMiB ?? 0) - (b.MemoryInfo?.SizeInMiB ?? 0) ||
      String(a.InstanceType).localeCompare(String(b.InstanceType)),
  );
}

export async function checkInstanceType(
  config: InfraConfig,
  env: PreflightOptions['env'],
  clients: AwsClients,
): Promise<CheckResult & { instanceType?: string }> {
  const configured = env[ENV_NAMES.instanceType] ? config.instanceType : undefined;
  let eligible: string[];
  try {
    eligible = (await freeTierTypes(clients)).map((t) => String(t.InstanceType));
  } catch (e) {
    return {
      name: 'instance type',
      status: 'fail',
      detail: `could not list instance types: ${errorText(e)}`,
      fix: 'allow ec2:DescribeInstanceTypes to these credentials',
    };
  }
  if (configured) {
    if (eligible.includes(configured))
      return {
        name: 'instance type',
        status: 'ok',
        detail: `${configured} (${ENV_NAMES.instanceType}, free-tier eligible here)`,
        instanceType: configured,
      };
    return {
      name: 'instance type',
      status: 'warn',
      detail: `${configured} (${ENV_NAMES.instanceType}) is not free-tier eligible in ${config.region} for this account: it bills from the first hour`,
      fix: eligible.length
        ? `unset ${ENV_NAMES.instanceType} to use ${eligible[0]}, or set ${ENV_NAMES.instanceType}=${eligible[0]}`
        : `no free-tier type here; keep ${configured} if the cost is fine`,
      instanceType: configured,
    };
  }
  const first = eligible[0];
  if (!first) {
    return {
      name: 'instance type',
      status: 'fail',
      detail: `the account offers no free-tier-eligible instance type in ${config.region}`,
      fix: `set ${ENV_NAMES.instanceType}=t3.micro (billed) or choose another region with CHAT_REGION`,
    };
  }
  return {
    name: 'instance type',
    status: 'ok',
    detail: `${first} (the first free-tier-eligible type here; of ${eligible.join(', ')})`,
    instanceType: first,
  };
}

/** Website mode makes the site bucket public, which account-level Block Public Access forbids. */
export async function checkPublicAccess(config: InfraConfig, accountId: string | undefined, clients: AwsClients): Promise<CheckResult> {
  const name = 'public site bucket';
  if (config.cloudfront) return { name, status: 'ok', detail: 'not needed: CloudFront serves the private site bucket' };
  if (!accountId) return { name, status: 'fail', detail: 'unknown without credentials', fix: 'fix the credentials first' };
  try {
    const r = await clients.s3control.send(new GetPublicAccessBlockCommand({ AccountId: accountId }));
    const c = r.PublicAccessBlockConfiguration ?? {};
    if (c.BlockPublicPolicy || c.RestrictPublicBuckets) {
      return {
        name,
        status: 'fail',
        detail: `account ${accountId} blocks public buckets (S3 Block Public Access: ${Object.entries(c)
          .filter(([, v]) => v)
          .map(([k]) => k)
          .join(', ')}), and website mode needs one`,
        fix: 'unset CHAT_CLOUDFRONT   (the default: the site stays private behind CloudFront, with HTTPS)',
      };
    }
    return { name, status: 'ok', detail: 'account-level Block Public Access allows a public bucket policy' };
  } catch (e) {
    if ((e as { name?: string }).name === 'NoSuchPublicAccessBlockConfiguration') {
      return { name, status: 'ok', detail: 'no account-level Block Public Access: the site bucket can be public' };
    }
    return {
      name,
      status: 'warn',
      detail: `could not read the account's Block Public Access: ${errorText(e)}`,
      fix: 'allow s3:GetAccountPublicAccessBlock, or unset CHAT_CLOUDFRONT to not need a public bucket',
    };
  }
}

/** HTTPS through CloudFront is the default; the opt-out is said out loud, with what it costs the users. */
export function checkFrontDoor(config: InfraConfig): CheckResult {
  const name = 'HTTPS';
  if (config.cloudfront) {
    const where = config.domainName ? `https://${config.domainName}` : 'https://<distribution>.cloudfront.net';
    return {
      name,
      status: 'ok',
      detail: `CloudFront in front of site and API (${where}); the servers admit only CloudFront, proven by its origin secret`,
    };
  }
  const api = loadBalancerCertificate(config) ? `the API is https://${config.domainName}, ` : '';
  return {
    name,
    status: 'warn',
    detail:
      `${ENV_NAMES.cloudfront}=false: ${api}the site is plain http:// (the S3 website endpoint). On an http:// page browsers refuse ` +
      'desktop notifications, install to the home screen and service workers, and the pages, delete keys and tokens travel ' +
      'unencrypted: anyone on the path (public Wi-Fi, a proxy) can read them or change the page',
    fix: `unset ${ENV_NAMES.cloudfront} (CloudFront is the default; its always-free allowance covers a small chat)`,
  };
}

/**
 * Sign-in is on by default; the opt-out is said out loud, with what it means. A provider sends the browser back only to
 * an https:// page (and the browser's PKCE needs a secure page), so sign-in needs CloudFront.
 */
export function checkSignIn(config: InfraConfig): CheckResult {
  const name = 'sign-in';
  if (config.auth === 'open')
    return {
      name,
      status: 'warn',
      detail:
        `${ENV_NAMES.auth}=open: no sign-in. Anyone with the URL reads every room's history, posts under any name and ` +
        'uploads images; there are no private rooms, invites or roles',
      fix: `unset ${ENV_NAMES.auth} (a Cognito user pool, free for the first 10,000 monthly users, invite-only)`,
    };
  if (!config.cloudfront)
    return {
      name,
      status: 'fail',
      detail: `sign-in needs the chat on https://, and ${ENV_NAMES.cloudfront}=false serves it on http://: providers refuse to send the browser back there`,
      fix: `unset ${ENV_NAMES.cloudfront}, or ${ENV_NAMES.auth}=open to opt out of sign-in too`,
    };
  if (config.auth === 'oidc')
    return {
      name,
      status: 'ok',
      detail: `${config.authIssuer} (client ${config.authClientId}); its callback and sign-out URL must be the chat's URL with a trailing /`,
    };
  const who = config.signup === 'open' ? 'anyone may sign up (e-mail verified)' : 'invite-only';
  return {
    name,
    status: 'ok',
    detail: `a Cognito user pool (Lite: 10,000 monthly users free), ${who}; ${config.alertEmail} is invited as the first admin`,
  };
}

/** Which free offer the account has (the Free Tier API), and what that means for this deploy. */
export async function checkAccountPlan(env: PreflightOptions['env'], plan = getAccountPlan): Promise<CheckResult> {
  const name = 'account plan';
  let p: AccountPlan;
  try {
    p = await plan(env);
  } catch (e) {
    return {
      name,
      status: 'warn',
      detail: `unknown: ${errorText(e)}. Accounts opened since 15 July 2025 have the Free plan (credits, up to 6 months) or the Paid plan; older ones the 12-month free tier`,
      fix: 'allow freetier:GetAccountPlanState to these credentials, or look at Billing → Free Tier in the console',
    };
  }
  const credits = p.remainingCredits ? `${p.remainingCredits.unit} ${p.remainingCredits.amount.toFixed(2)} of credits left` : 'no credits';
  if (p.type === 'FREE') {
    if (p.status === 'EXPIRED')
      return {
        name,
        status: 'warn',
        detail: 'the Free plan has ended: the account must be upgraded to the Paid plan to run anything',
        fix: 'upgrade the account plan in the Billing console (Free Tier), then deploy again',
      };
    return {
      name,
      status: 'ok',
      detail:
        `Free plan (accounts opened since 15 July 2025): ${credits}${p.expires ? `, until ${p.expires}` : ''}. Usage draws on the credits, ` +
        'the instance types it allows differ from the 12-month free tier (the instance type line shows this account’s), and the ' +
        'account closes when the credits or the plan’s 6 months run out unless it is upgraded to the Paid plan',
    };
  }
  return {
    name,
    status: 'ok',
    detail: `Paid plan: the 12-month free tier applies only to accounts opened before 15 July 2025, for 12 months; otherwise the always-free allowances (${credits})`,
  };
}

/** The certificate CHAT_CERTIFICATE_ARN names: issued, in the right region, covering CHAT_DOMAIN. */
export async function checkCertificate(config: InfraConfig, clients: AwsClients): Promise<CheckResult | undefined> {
  if (!config.certificateArn || !config.domainName) return undefined;
  const name = 'certificate';
  const where = config.cloudfront ? CLOUDFRONT_CERTIFICATE_REGION : config.region;
  try {
    const acm = config.cloudfront ? clients.acmCloudfront : clients.acm;
    const c = (await acm.send(new DescribeCertificateCommand({ CertificateArn: config.certificateArn }))).Certificate ?? {};
    const names = [c.DomainName, ...(c.SubjectAlternativeNames ?? [])].filter((n): n is string => Boolean(n));
    const covers = names.some(
      (n) => n === config.domainName || (n.startsWith('*.') && config.domainName!.split('.').slice(1).join('.') === n.slice(2)),
    );
    if (c.Status !== 'ISSUED')
      return {
        name,
        status: 'fail',
        detail: `${config.certificateArn} is ${c.Status ?? 'in an unknown state'}, not ISSUED`,
        fix: 'finish its DNS validation (ACM console), or name an issued certificate',
      };
    if (!covers)
      return {
        name,
        status: 'fail',
        detail: `${config.certificateArn} covers ${names.join(', ')}, not ${config.domainName}`,
        fix: `request a certificate for ${config.domainName} in ${where}, or set ${ENV_NAMES.domainName} to a name it covers`,
      };
    return {
      name,
      status: 'ok',
      detail: `issued in ${where}, covers ${config.domainName}${
        config.cloudfront && loadBalancerCertificate(config) ? ' (CloudFront and the load balancer both hold it)' : ''
      }`,
    };
  } catch (e) {
    return {
      name,
      status: 'fail',
      detail: `could not read ${config.certificateArn} in ${where}: ${errorText(e)}`,
      fix: `check the ARN (CloudFront's certificates are in ${CLOUDFRONT_CERTIFICATE_REGION}), and allow acm:DescribeCertificate`,
    };
  }
}

/** The secrets this layout needs: which exist, and which this deploy will generate (nothing is created here). */
export async function checkSecrets(config: InfraConfig, clients: AwsClients): Promise<CheckResult> {
  const name = 'secrets';
  try {
    const states = await secretStates(clients.ssm, config);
    const absent = states.filter((s) => !s.present).map((s) => s.name);
    return {
      name,
      status: 'ok',
      detail:
        `${states.length} SecureStrings under ${secretsPath(config.ssmPrefix)}: ` +
        (absent.length ? `${states.length - absent.length} present, generated by the deploy: ${absent.join(', ')}` : 'all present'),
    };
  } catch (e) {
    return {
      name,
      status: 'fail',
      detail: `could not read ${secretsPath(config.ssmPrefix)}: ${errorText(e)}`,
      fix: `allow ssm:GetParameters and ssm:PutParameter on parameters under ${secretsPath(config.ssmPrefix)}/`,
    };
  }
}

/**
 * Domains reserved for documentation and tests (RFC 2606, RFC 6761): example.com/.net/.org and the .example, .test,
 * .invalid and .localhost top-level domains, and any name under them. Mail to them reaches nobody.
 */
export function reservedDomain(address: string): string | undefined {
  const domain = (address.split('@').pop() ?? '').toLowerCase().replace(/\.$/, '');
  const reserved = /(^|\.)(example\.(com|net|org)|example|test|invalid|localhost)$/;
  return reserved.test(domain) ? domain : undefined;
}

export function checkAlertEmail(config: InfraConfig): CheckResult {
  const fix = `${ENV_NAMES.alertEmail}=<your own address> npm run deploy`;
  if (config.alertEmail === DEFAULTS.alertEmail) {
    return { name: 'alert e-mail', status: 'fail', detail: 'no address for the budget and alarm mail', fix };
  }
  const domain = reservedDomain(config.alertEmail);
  if (domain) {
    return {
      name: 'alert e-mail',
      status: 'fail',
      detail: `${config.alertEmail} is a placeholder: ${domain} is reserved for examples (RFC 2606) and receives no mail, so budget and alarm mail would reach nobody`,
      fix,
    };
  }
  return { name: 'alert e-mail', status: 'ok', detail: `${config.alertEmail} (confirm the subscription AWS Budgets mails)` };
}

/** The ci stack (GitHub's deploy role) is only for a repository that will ship later pushes. */
export function checkPipeline(config: InfraConfig): CheckResult {
  if (config.githubRepo === DEFAULTS.githubRepo) {
    return {
      name: 'GitHub pipeline',
      status: 'ok',
      detail: `not set up (${ENV_NAMES.githubRepo} unset): later releases go out with npm run deploy`,
    };
  }
  return {
    name: 'GitHub pipeline',
    status: 'ok',
    detail: `${config.githubRepo} (${config.githubBranch}, environment ${config.githubEnvironment ?? 'none'}) may ship later pushes`,
  };
}

export async function runPreflight(o: PreflightOptions): Promise<PreflightReport> {
  const checks: CheckResult[] = [];
  const credentials = await checkCredentials(o.clients, o.env);
  const { accountId, ...credentialCheck } = credentials;
  checks.push(credentialCheck, checkRegion(o.config, o.env));
  const tf = checkTerraform(o.env);
  const { binary, ...tfCheck } = tf;
  checks.push(tfCheck);
  let instanceType: string | undefined;
  if (o.mode === 'deploy') {
    if (accountId) {
      const it = await checkInstanceType(o.config, o.env, o.clients);
      instanceType = it.instanceType;
      const { instanceType: _, ...itCheck } = it;
      checks.push(itCheck);
    } else {
      checks.push({ name: 'instance type', status: 'fail', detail: 'unknown without credentials', fix: 'fix the credentials first' });
    }
    checks.push(checkFrontDoor(o.config), checkSignIn(o.config), await checkPublicAccess(o.config, accountId, o.clients));
    const certificate = await checkCertificate(o.config, o.clients);
    if (certificate) checks.push(certificate);
    checks.push(await checkAccountPlan(o.env));
    if (accountId) checks.push(await checkSecrets(o.config, o.clients));
    checks.push(checkAlertEmail(o.config), checkPipeline(o.config));
  }
  return { checks, ok: checks.every((c) => c.status !== 'fail'), accountId, instanceType, terraform: binary };
}

const MARK: Record<CheckStatus, string> = { ok: 'ok  ', warn: 'WARN', fail: 'FAIL' };

export function formatReport(report: PreflightReport): string {
  const width = Math.max(...report.checks.map((c) => c.name.length));
  const lines = report.checks.flatMap((c) => [
    `  ${MARK[c.status]}  ${c.name.padEnd(width)}  ${c.detail}`,
    ...(c.status !== 'ok' && c.fix ? [`        ${' '.repeat(width)}  fix: ${c.fix}`] : []),
  ]);
  return lines.join('\n');
}
