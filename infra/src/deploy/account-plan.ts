/**
 * Which AWS free offer the account has. Accounts opened since 15 July 2025 choose a plan: the Free plan (credits,
 * for up to 6 months, then the account closes unless upgraded) or the Paid plan; accounts opened before keep the
 * 12-month free tier. The Free Tier API's GetAccountPlanState tells the plan (FREE or PAID), its status and the
 * credits left. The JavaScript SDK has no client for that API, so this is the one signed call it takes (JSON 1.0,
 * SigV4 with the SDK's own signer and credential chain). AWS_ENDPOINT_URL_FREETIER (or AWS_ENDPOINT_URL) points it
 * elsewhere, as for every other client here.
 */
import { createHash, createHmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import { defaultProvider } from '@aws-sdk/credential-provider-node';

export interface AccountPlan {
  type: 'FREE' | 'PAID';
  status: 'NOT_STARTED' | 'ACTIVE' | 'EXPIRED';
  remainingCredits?: { amount: number; unit: string };
  expires?: string;
}

const ENDPOINT = 'https://freetier.us-east-1.api.aws';

type SourceData = string | ArrayBuffer | ArrayBufferView;
const bytes = (d: SourceData): string | Uint8Array =>
  typeof d === 'string' ? d : d instanceof ArrayBuffer ? new Uint8Array(d) : new Uint8Array(d.buffer, d.byteOffset, d.byteLength);

/** SHA-256 and HMAC-SHA256 in the shape the signer asks for. */
class NodeSha256 {
  private readonly h;
  constructor(secret?: SourceData) {
    this.h = secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(secret));
  }
  update(data: SourceData): void {
    this.h.update(bytes(data));
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.h.digest()));
  }
}

export async function getAccountPlan(env: Record<string, string | undefined> = process.env, timeoutMs = 10_000): Promise<AccountPlan> {
  const url = new URL(env.AWS_ENDPOINT_URL_FREETIER || env.AWS_ENDPOINT_URL || ENDPOINT);
  const body = '{}';
  const signer = new SignatureV4({ service: 'freetier', region: 'us-east-1', credentials: defaultProvider(), sha256: NodeSha256 });
  const signed = await signer.sign({
    method: 'POST',
    protocol: url.protocol,
    hostname: url.hostname,
    port: url.port ? Number(url.port) : undefined,
    path: '/',
    query: {},
    headers: {
      host: url.host,
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': 'AWSFreeTierService.GetAccountPlanState',
    },
    body,
  });
  const res = await fetch(new URL('/', url), {
    method: 'POST',
    headers: signed.headers as Record<string, string>,
    body,
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await res.text();
  if (!res.ok) {
    const kind = /"__type"\s*:\s*"(?:[^"#]*#)?([^"]+)"/.exec(text)?.[1] ?? `HTTP ${res.status}`;
    throw new Error(`GetAccountPlanState: ${kind}`);
  }
  const r = JSON.parse(text) as {
    accountPlanType?: string;
    accountPlanStatus?: string;
    accountPlanRemainingCredits?: { amount: number; unit: string };
    accountPlanExpirationDate?: string | number;
  };
  if (r.accountPlanType !== 'FREE' && r.accountPlanType !== 'PAID')
    throw new Error(`GetAccountPlanState: unknown plan ${r.accountPlanType}`);
  const expires = r.accountPlanExpirationDate;
  return {
    type: r.accountPlanType,
    status: (r.accountPlanStatus ?? 'ACTIVE') as AccountPlan['status'],
    ...(r.accountPlanRemainingCredits ? { remainingCredits: r.accountPlanRemainingCredits } : {}),
    // The JSON protocol sends timestamps as epoch seconds.
    ...(expires !== undefined
      ? { expires: new Date(typeof expires === 'number' ? expires * 1000 : expires).toISOString().slice(0, 10) }
      : {}),
  };
}
