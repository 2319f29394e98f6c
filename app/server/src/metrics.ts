import { Counter, Gauge, Histogram, Registry, Summary, collectDefaultMetrics } from 'prom-client';
import type { AwsUsage } from './adapters/aws/aws-usage';
import { METRIC_NAMES as N } from './metric-names';

/** Seconds buckets for calls that are a few ms on loopback and up to the backend timeout on AWS. */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export type Backend = 'queue' | 'store' | 'uploads';

/**
 * The server's metrics, in Prometheus text at /metrics. One registry per server (tests run several in one
 * process). The CloudWatch agent scrapes it on the instance and publishes a few (infra/src/boot/cloudwatch-agent.ts).
 */
export class ChatMetrics {
  readonly registry = new Registry();
  readonly accepted = new Counter({
    name: N.accepted,
    help: 'sendMessage calls acked ok (a retry of a stored id included)',
    registers: [this.registry],
  });
  readonly stored = new Counter({
    name: N.stored,
    help: 'Messages written to the history store',
    registers: [this.registry],
  });
  readonly broadcast = new Counter({
    name: N.broadcast,
    help: 'Messages broadcast to their room',
    registers: [this.registry],
  });
  readonly refused = new Counter({
    name: N.refused,
    help: 'sendMessage calls acked with an error, by code',
    labelNames: ['code'],
    registers: [this.registry],
  });
  readonly ackSeconds = new Histogram({
    name: N.ackSeconds,
    help: 'sendMessage received to ack sent',
    labelNames: ['outcome'],
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  /** The same latency as quantiles over the last minute: CloudWatch's agent publishes a summary's p99 as is. */
  readonly ackQuantiles = new Summary({
    name: N.ackQuantiles,
    help: 'sendMessage ack latency quantiles over the last 60 s',
    percentiles: [0.5, 0.99],
    maxAgeSeconds: 60,
    ageBuckets: 6,
    registers: [this.registry],
  });
  readonly storeSeconds = new Histogram({
    name: N.storeSeconds,
    help: 'History store write (append) duration',
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  readonly receiveBatch = new Histogram({
    name: N.receiveBatch,
    help: 'Messages per queue receive',
    buckets: [0, 1, 2, 5, 10, 20, 50, 100],
    registers: [this.registry],
  });
  readonly backendErrors = new Counter({
    name: N.backendErrors,
    help: 'Failed backend calls, by backend',
    labelNames: ['backend'],
    registers: [this.registry],
  });
  readonly socketsRefused = new Counter({
    name: N.socketsRefused,
    help: 'Socket handshakes refused by a per-address limit',
    registers: [this.registry],
  });

  /** `usage`: what the aws adapters asked of AWS (nothing in embedded mode), read when /metrics is scraped. */
  constructor(gauges: { sockets: () => number; rooms: () => number }, usage?: AwsUsage) {
    new Counter({
      name: N.awsRequests,
      help: 'HTTP requests to AWS (retries included), by service and operation',
      labelNames: ['service', 'operation'],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const r of usage?.requestCounts() ?? []) this.inc({ service: r.service, operation: r.operation }, r.count);
      },
    });
    new Counter({
      name: N.dynamoUnits,
      help: 'DynamoDB capacity units: as DynamoDB reported them (source=reported) and by its billing rules over the items (source=rules)',
      labelNames: ['kind', 'source'],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const u of usage?.unitCounts() ?? []) this.inc({ kind: u.kind, source: u.source }, u.units);
      },
    });
    new Gauge({
      name: N.connectedSockets,
      help: 'Sockets connected to this server',
      registers: [this.registry],
      collect() {
        this.set(gauges.sockets());
      },
    });
    new Gauge({
      name: N.rooms,
      help: 'Rooms with at least one socket on this server',
      registers: [this.registry],
      collect() {
        this.set(gauges.rooms());
      },
    });
    // Labels in the names (chat_backend_errors_total{backend}) stay at zero until they happen; start them at 0 so rate() sees the first one.
    for (const b of ['queue', 'store', 'uploads'] satisfies Backend[]) this.backendErrors.inc({ backend: b }, 0);
    collectDefaultMetrics({ register: this.registry });
  }

  /** Time one ack: call the returned function with the outcome when answering. */
  ackTimer(): (outcome: { ok: true } | { ok: false; error: { code: string } }) => void {
    const start = process.hrtime.bigint();
    return (outcome) => {
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      this.ackSeconds.observe({ outcome: outcome.ok ? 'ok' : outcome.error.code }, seconds);
      if (outcome.ok) {
        this.accepted.inc();
        this.ackQuantiles.observe(seconds);
      } else this.refused.inc({ code: outcome.error.code });
    };
  }
}
