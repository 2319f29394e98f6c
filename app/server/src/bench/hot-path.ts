/**
 * The chat's own CPU per message, without sockets: `sendMessage`'s use case → queue → consumer → store → room
 * events (counted, not sent), wired as server.ts wires them, on the configured backends (embedded unless AWS settings are
 * given). What the load test's `CPU ms/msg` adds to the floor's is this plus the extra socket work; measured in
 * process CPU time, it stays readable on a busy machine where latencies do not.
 *
 *   node app/server/dist/bench/hot-path.js [--messages 20000] [--rooms 10] [--in-flight 50]
 *   node --cpu-prof app/server/dist/bench/hot-path.js     # and loadtest's profile-summary on the .cpuprofile
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { SendAck } from '@chat/protocol';
import { Acks } from '../acks/acks';
import { AwsUsage } from '../adapters/aws/aws-usage';
import { createBackends } from '../backends';
import { SendMessage } from '../chat/send-message';
import { QueueConsumer } from '../consumer/queue-consumer';
import { loadConfig } from '../config';
import { createLogger } from '../logger';

export interface HotPathOptions {
  messages: number;
  rooms: number;
  /** messages awaiting their ack at once, as that many busy senders would keep (a new one starts as one is acked) */
  inFlight: number;
  env?: Record<string, string | undefined>;
}

export interface HotPathResult {
  messages: number;
  acked: number;
  broadcasts: number;
  cpuUsPerMessage: number;
  wallUsPerMessage: number;
  /** the first refusal, to tell a broken set-up from a slow one */
  firstError?: string;
  /** aws mode: requests (by `service:Operation`) and DynamoDB units (by the billing rules) per message */
  aws?: { requests: Record<string, number>; writeUnits: number; readUnits: number };
}

/** What `usage` counted since `before`, per message. */
function perMessage(usage: AwsUsage, before: AwsUsage['requests'], unitsBefore: AwsUsage['units'], messages: number) {
  const requests: Record<string, number> = {};
  for (const r of usage.requestCounts()) {
    const n = r.count - (before.get(`${r.service}\u0000${r.operation}`) ?? 0);
    if (n > 0) requests[`${r.service}:${r.operation}`] = n / messages;
  }
  const units = (kind: string) => ((usage.units.get(`${kind}\u0000rules`) ?? 0) - (unitsBefore.get(`${kind}\u0000rules`) ?? 0)) / messages;
  return { requests, writeUnits: units('write'), readUnits: units('read') };
}

export async function runHotPath(o: HotPathOptions): Promise<HotPathResult> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'chat-hot-path-'));
  const config = loadConfig({ ...(o.env ?? process.env), DATA_DIR: dataDir, LOG_LEVEL: process.env.HOT_PATH_LOG_LEVEL ?? 'error' });
  const log = createLogger(config.logLevel);
  const usage = new AwsUsage();
  const backends = await createBackends(config, log, usage);
  let broadcasts = 0;
  const acks = new Acks(backends.store);
  const counted = { newMessage: () => void broadcasts++, messageDeleted: () => {}, messageEdited: () => {}, reactions: () => {} };
  const consumer = new QueueConsumer({ queue: backends.queue, store: backends.store, rows: backends.deletes, acks, events: counted }, log);
  const send = new SendMessage(backends.queue, backends.uploads, acks, config.backendTimeoutMs, log, backends.deletes);
  consumer.start();
  const tag = Date.now().toString(36);
  const round = async (n: number, name: string): Promise<SendAck[]> => {
    const acks: SendAck[] = [];
    let next = 0;
    const sender = async () => {
      for (let i = next++; i < n; i = next++) {
        acks.push(
          await send.execute({
            id: `${tag}-${name}-${i}`,
            room: `bench-${i % o.rooms}`,
            author: `user-${i % 100}`,
            text: `a line of ordinary chat, message #${i}`,
          }),
        );
      }
    };
    await Promise.all(Array.from({ length: o.inFlight }, sender));
    return acks;
  };
  try {
    await round(Math.min(2000, o.messages), 'warm');
    broadcasts = 0;
    const requestsBefore = new Map(usage.requests);
    const unitsBefore = new Map(usage.units);
    const cpu = process.cpuUsage();
    const wall = performance.now();
    const acks = await round(o.messages, 'm');
    const used = process.cpuUsage(cpu);
    const refused = acks.find((a) => !a.ok);
    return {
      ...(refused && !refused.ok ? { firstError: `${refused.error.code}: ${refused.error.message}` } : {}),
      messages: o.messages,
      acked: acks.filter((a) => a.ok).length,
      broadcasts,
      cpuUsPerMessage: (used.user + used.system) / o.messages,
      wallUsPerMessage: ((performance.now() - wall) * 1000) / o.messages,
      ...(backends.mode === 'aws' ? { aws: perMessage(usage, requestsBefore, unitsBefore, o.messages) } : {}),
    };
  } finally {
    await consumer.stop();
    await backends.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const num = (name: string, def: number) => {
    const i = args.indexOf(name);
    const v = i >= 0 ? Number(args[i + 1]) : def;
    if (!Number.isInteger(v) || v < 1) throw new Error(`${name}: a positive integer`);
    return v;
  };
  runHotPath({ messages: num('--messages', 20000), rooms: num('--rooms', 10), inFlight: num('--in-flight', 50) }).then(
    (r) => {
      console.log(
        `${r.acked}/${r.messages} acked, ${r.broadcasts} broadcast: ${r.cpuUsPerMessage.toFixed(1)} µs CPU and ${r.wallUsPerMessage.toFixed(1)} µs wall per message`,
      );
      if (r.aws) {
        const requests = Object.entries(r.aws.requests).map(([k, v]) => `${k} ${v.toFixed(2)}`);
        console.log(`per message: ${requests.join(', ')}; ${r.aws.writeUnits.toFixed(2)} WCU, ${r.aws.readUnits.toFixed(2)} RCU`);
      }
      if (r.firstError) console.log(`first refusal: ${r.firstError}`);
      process.exit(r.acked === r.messages && r.broadcasts === r.messages ? 0 : 1);
    },
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
