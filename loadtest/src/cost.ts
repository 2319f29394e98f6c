/**
 * What a message costs in aws mode: the server's own counts of AWS requests and DynamoDB units (its /metrics, taken
 * before and after a run) per acknowledged message, priced at AWS's list prices, and the message rate the free
 * tier's capacity sustains for that mix.
 */
import { markdownTable, runRows, type RunResult } from './summary';

/** Requests by `service:Operation`, DynamoDB units by kind and source, as /metrics counted them so far. */
export interface AwsUsageCounts {
  requests: Record<string, number>;
  /** `write:rules`, `write:reported`, `read:rules`, `read:reported` */
  units: Record<string, number>;
  /** messages the server stored (chat_messages_stored_total): what the requests were for */
  stored?: number;
}

/** Prometheus text → the server's AWS counters. */
export function parseUsage(text: string): AwsUsageCounts {
  const out: AwsUsageCounts = { requests: {}, units: {} };
  for (const m of text.matchAll(/^(chat_aws_requests_total|chat_dynamodb_capacity_units_total)\{([^}]*)\} (\S+)$/gm)) {
    const labels = Object.fromEntries([...m[2]!.matchAll(/(\w+)="([^"]*)"/g)].map((l) => [l[1]!, l[2]!]));
    const value = Number(m[3]);
    if (m[1] === 'chat_aws_requests_total') out.requests[`${labels['service']}:${labels['operation']}`] = value;
    else out.units[`${labels['kind']}:${labels['source']}`] = value;
  }
  const stored = /^chat_messages_stored_total (\S+)$/m.exec(text);
  if (stored) out.stored = Number(stored[1]);
  return out;
}

/** `after` − `before`, counter by counter. */
export function usageBetween(before: AwsUsageCounts, after: AwsUsageCounts): AwsUsageCounts {
  const diff = (a: Record<string, number>, b: Record<string, number>): Record<string, number> => {
    const out: Record<string, number> = {};
    for (const [k, v] of Object.entries(b)) if (v - (a[k] ?? 0) > 0) out[k] = v - (a[k] ?? 0);
    return out;
  };
  return {
    requests: diff(before.requests, after.requests),
    units: diff(before.units, after.units),
    ...(after.stored !== undefined ? { stored: after.stored - (before.stored ?? 0) } : {}),
  };
}

/** The server's counters now; undefined (and why) when /metrics does not answer. `token`: METRICS_TOKEN of a deployment. */
export async function scrapeUsage(url: string, token?: string): Promise<AwsUsageCounts | string> {
  try {
    const res = await fetch(new URL('/metrics', url), token ? { headers: { Authorization: `Bearer ${token}` } } : {});
    if (!res.ok)
      return `/metrics answered ${res.status}${res.status === 403 ? ' (set LOADTEST_METRICS_TOKEN to the server’s METRICS_TOKEN)' : ''}`;
    return parseUsage(await res.text());
  } catch (err) {
    return `/metrics unreachable: ${(err as Error).message}`;
  }
}

/**
 * AWS list prices, us-east-1, USD, as published in December 2026 (on-demand DynamoDB after its November 2024 cut).
 * Compute is the t3.micro's hourly price over what its baseline lets it use (10 % of each of its 2 vCPUs: 12 CPU
 * credits an hour, 200 ms of CPU per second): the CPU a message takes, priced at the rate a box that runs at its
 * baseline pays for it.
 */
export const PRICES = {
  region: 'us-east-1',
  sqsFifoPerMillionRequests: 0.5,
  dynamoOnDemandPerMillionWriteUnits: 0.625,
  dynamoOnDemandPerMillionReadUnits: 0.125,
  dynamoProvisionedPerWcuHour: 0.00065,
  dynamoProvisionedPerRcuHour: 0.00013,
  s3PerThousandPuts: 0.005,
  s3PerThousandGets: 0.0004,
  t3MicroPerHour: 0.0104,
  /** CPU-seconds per second a t3.micro sustains without spending credits. */
  t3MicroBaselineCpu: 0.1 * 2,
};

/** The free tier's always-free DynamoDB capacity (provisioned), and the instance the default deployment runs on. */
export const FREE_TIER = { wcu: 25, rcu: 25 };

export interface MessageCost {
  messages: number;
  /** per acknowledged message */
  sqsRequests: number;
  dynamoRequests: number;
  s3Requests: number;
  writeUnits: number;
  readUnits: number;
  /** units moto/DynamoDB reported, for comparison with the rules' figure */
  writeUnitsReported: number;
  readUnitsReported: number;
  cpuMs?: number;
  /** USD per million messages, by part */
  perMillion: { sqs: number; dynamo: number; s3: number; compute?: number; total: number };
  /** messages/s the free tier's 25 WCU, 25 RCU and a t3.micro's CPU baseline each sustain, and the least of them */
  freeTier: { byWrites: number; byReads: number; byCpu?: number; sustained: number; binds: string };
}

const S3_PUTS = new Set(['PUT', 'POST', 'COPY', 'PutObject', 'CopyObject', 'ListObjectsV2']);

/** Per-message figures and prices from a run's usage; `cpuMs` per message from the harness (undefined against a target). */
export function messageCost(usage: AwsUsageCounts, messages: number, cpuMs: number | undefined): MessageCost | undefined {
  if (messages <= 0) return undefined;
  const per = (n: number) => n / messages;
  const sum = (service: string, pick: (op: string) => boolean = () => true) =>
    Object.entries(usage.requests)
      .filter(([k]) => k.startsWith(`${service}:`) && pick(k.slice(service.length + 1)))
      .reduce((s, [, v]) => s + v, 0);
  const sqsRequests = per(sum('sqs'));
  const s3Puts = per(sum('s3', (op) => S3_PUTS.has(op)));
  const s3Requests = per(sum('s3'));
  const writeUnits = per(usage.units['write:rules'] ?? 0);
  const readUnits = per(usage.units['read:rules'] ?? 0);
  const M = 1e6;
  const compute = cpuMs === undefined ? undefined : ((cpuMs / 1000) * M * PRICES.t3MicroPerHour) / (3600 * PRICES.t3MicroBaselineCpu);
  const parts = {
    sqs: sqsRequests * PRICES.sqsFifoPerMillionRequests,
    dynamo: writeUnits * PRICES.dynamoOnDemandPerMillionWriteUnits + readUnits * PRICES.dynamoOnDemandPerMillionReadUnits,
    s3: (s3Puts * M * PRICES.s3PerThousandPuts) / 1000 + ((s3Requests - s3Puts) * M * PRICES.s3PerThousandGets) / 1000,
  };
  const limits: [string, number][] = [
    ['write units', writeUnits > 0 ? FREE_TIER.wcu / writeUnits : Infinity],
    ['read units', readUnits > 0 ? FREE_TIER.rcu / readUnits : Infinity],
    ...(cpuMs ? ([['CPU', (PRICES.t3MicroBaselineCpu * 1000) / cpuMs]] as [string, number][]) : []),
  ];
  const [binds, sustained] = limits.reduce((a, b) => (b[1] < a[1] ? b : a));
  return {
    messages,
    sqsRequests,
    dynamoRequests: per(sum('dynamodb')),
    s3Requests,
    writeUnits,
    readUnits,
    writeUnitsReported: per(usage.units['write:reported'] ?? 0),
    readUnitsReported: per(usage.units['read:reported'] ?? 0),
    ...(cpuMs !== undefined ? { cpuMs } : {}),
    perMillion: { ...parts, ...(compute !== undefined ? { compute } : {}), total: parts.sqs + parts.dynamo + parts.s3 + (compute ?? 0) },
    freeTier: {
      byWrites: limits[0]![1],
      byReads: limits[1]![1],
      ...(cpuMs ? { byCpu: limits[2]![1] } : {}),
      sustained,
      binds,
    },
  };
}

const n = (v: number, digits = 2) => (Number.isFinite(v) ? v.toFixed(digits) : '–');

/** The cost table of the report: one row per run that has usage, and the requests by operation under it. */
export function formatCost(rows: { run: string; cost: MessageCost; usage: AwsUsageCounts }[]): string {
  if (rows.length === 0) return '';
  const table = markdownTable(
    [
      'run',
      'SQS req/msg',
      'DynamoDB req/msg',
      'S3 req/msg',
      'WCU/msg',
      'RCU/msg',
      'WCU/RCU reported',
      'CPU ms/msg',
      `$ per 1M msgs (${PRICES.region})`,
      'free tier msgs/s',
    ],
    rows.map(({ run, cost: c }) => [
      run,
      n(c.sqsRequests),
      n(c.dynamoRequests),
      n(c.s3Requests),
      n(c.writeUnits),
      n(c.readUnits),
      `${n(c.writeUnitsReported)} / ${n(c.readUnitsReported)}`,
      c.cpuMs === undefined ? '' : n(c.cpuMs, 3),
      `${n(c.perMillion.total)} (SQS ${n(c.perMillion.sqs)}, DynamoDB ${n(c.perMillion.dynamo)}, S3 ${n(c.perMillion.s3)}${c.perMillion.compute === undefined ? '' : `, CPU ${n(c.perMillion.compute)}`})`,
      `${n(c.freeTier.sustained, 1)} (${c.freeTier.binds} bind)`,
    ]),
  );
  const ops = rows
    .map(
      ({ run, usage, cost }) =>
        `${run}: ${
          Object.entries(usage.requests)
            .map(([k, v]) => `${k} ${n(v / cost.messages)}`)
            .join(', ') || 'none'
        }`,
    )
    .join('\n');
  return `${table}\n\nRequests per message by operation:\n${ops}\n\nWCU/RCU: DynamoDB's billing rules applied to the items the server sent and got back (on-demand units; a transaction counts twice); "reported" is what the endpoint returned with ReturnConsumedCapacity (exact on AWS; moto returns a fixed figure per call and none for transactions). Free tier: ${FREE_TIER.wcu} WCU, ${FREE_TIER.rcu} RCU provisioned, a t3.micro's CPU baseline (${PRICES.t3MicroBaselineCpu * 1000} ms of CPU per second).`;
}

/**
 * The runs that counted AWS usage, with their cost per message: per message the server stored (a send acked late,
 * after the client gave up, was still queued and stored), else per acknowledged one; CPU per message sent, from the
 * send window.
 */
export function costRows(runs: RunResult[]): { run: string; cost: MessageCost; usage: AwsUsageCounts }[] {
  const rows = runRows(runs);
  return runs.flatMap((r, i) => {
    if (!r.usage) return [];
    const cost = messageCost(r.usage, r.usage.stored || (r.stats.counters.get('chat.acked') ?? 0), rows[i]!.cpuMsPerMsg);
    return cost ? [{ run: r.label, cost, usage: r.usage }] : [];
  });
}
