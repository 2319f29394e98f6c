/**
 * `npm run deploy -- --check` (and the first thing deploy and destroy do): small checks that change nothing, each
 * with a one-line fix when it fails. Works against any endpoint (AWS_ENDPOINT_URL).
 */
import { spawnSync } from 'node:child_process';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { DescribeInstanceTypesCommand, type InstanceTypeInfo } from '@aws-sdk/client-ec2';
import { GetPublicAccessBlockCommand } from '@aws-sdk/client-s3-control';
import type { AwsClients } from './clients';
import { DEFAULTS, ENV_NAMES, type InfraConfig } from '../config';

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
  /** destroy needs credentials, region and terraform only. */
  mode: 'deploy' | 'destroy';
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
    const r = spawnSync(bin, ['version', '-json'], { encoding: 'utf8', env: env as NodeJS.ProcessEnv });
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
        fix: 'CHAT_CLOUDFRONT=true npm run deploy   (the site stays private behind CloudFront, with HTTPS)',
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
      fix: 'allow s3:GetAccountPublicAccessBlock, or set CHAT_CLOUDFRONT=true to not need a public bucket',
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
    checks.push(await checkPublicAccess(o.config, accountId, o.clients), checkAlertEmail(o.config), checkPipeline(o.config));
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
