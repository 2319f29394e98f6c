import type { MetadataBearer, MiddlewareStack } from '@smithy/types';
import { capacityByRules } from './capacity-rules';

/** DynamoDB operations that take ReturnConsumedCapacity, and whether they read or write. */
const CAPACITY_OPERATIONS: Record<string, 'read' | 'write'> = {
  GetItem: 'read',
  Query: 'read',
  Scan: 'read',
  BatchGetItem: 'read',
  TransactGetItems: 'read',
  PutItem: 'write',
  UpdateItem: 'write',
  DeleteItem: 'write',
  BatchWriteItem: 'write',
  TransactWriteItems: 'write',
};

const utf8 = new TextDecoder();

export type AwsService = 'sqs' | 'dynamodb' | 's3';
export type CapacityKind = 'read' | 'write';
/** `reported`: what DynamoDB returned (ReturnConsumedCapacity); `rules`: DynamoDB's billing rules applied to the items sent and received. */
export type CapacitySource = 'reported' | 'rules';

interface ConsumedCapacity {
  CapacityUnits?: number;
  ReadCapacityUnits?: number;
  WriteCapacityUnits?: number;
}

/**
 * What the server asks of AWS, counted where it happens: every HTTP request the SDK clients send (retries included,
 * as AWS bills them) by service and operation, and DynamoDB's capacity units. Units are kept twice: as DynamoDB
 * reports them (exact against AWS; moto returns a fixed figure per call, and none for transactions) and by
 * DynamoDB's billing rules over the items themselves, so a run on moto still tells what AWS would charge.
 * /metrics serves both (metrics.ts); the load test turns them into a cost per message.
 */
export class AwsUsage {
  readonly requests = new Map<string, number>();
  readonly units = new Map<string, number>();

  /** Count what `client` sends from now on. */
  attach(service: AwsService, client: { middlewareStack: MiddlewareStack<object, MetadataBearer> }): void {
    // Per attempt (the deserialize step runs below the retry middleware, once for every request on the wire), and
    // above the deserializer, so the output is parsed but still in DynamoDB's wire form.
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const operation = String(context.commandName ?? 'unknown').replace(/Command$/, '');
        const kind = service === 'dynamodb' ? CAPACITY_OPERATIONS[operation] : undefined;
        const body = kind ? (args.request as { body?: unknown }).body : undefined;
        this.add(this.requests, `${service}\u0000${operation}`, 1);
        try {
          const result = await next(args);
          if (kind) this.dynamo(operation, kind, body, (result.output ?? {}) as unknown as Record<string, unknown>);
          return result;
        } catch (err) {
          // A write whose condition failed is still billed.
          if (kind === 'write') this.dynamo(operation, kind, body, {});
          throw err;
        }
      },
      { step: 'deserialize', priority: 'high', name: 'chatAwsUsage', override: true },
    );
    if (service !== 'dynamodb') return;
    // Ask DynamoDB for the units each call consumed: free, and the only exact figure there is.
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const operation = String(context.commandName ?? '').replace(/Command$/, '');
        if (CAPACITY_OPERATIONS[operation]) (args.input as Record<string, unknown>)['ReturnConsumedCapacity'] ??= 'TOTAL';
        return next(args);
      },
      { step: 'initialize', name: 'chatReturnConsumedCapacity', override: true },
    );
  }

  /** Requests by service and operation. */
  requestCounts(): { service: string; operation: string; count: number }[] {
    return [...this.requests].map(([k, count]) => {
      const [service, operation] = k.split('\u0000') as [string, string];
      return { service, operation, count };
    });
  }

  unitCounts(): { kind: CapacityKind; source: CapacitySource; units: number }[] {
    return [...this.units].map(([k, units]) => {
      const [kind, source] = k.split('\u0000') as [CapacityKind, CapacitySource];
      return { kind, source, units };
    });
  }

  private dynamo(operation: string, kind: CapacityKind, body: unknown, output: Record<string, unknown>): void {
    const consumed = output['ConsumedCapacity'] as ConsumedCapacity | ConsumedCapacity[] | undefined;
    const reported = (Array.isArray(consumed) ? consumed : consumed ? [consumed] : []).reduce(
      (sum, c) => sum + ((kind === 'read' ? c.ReadCapacityUnits : c.WriteCapacityUnits) ?? c.CapacityUnits ?? 0),
      0,
    );
    this.add(this.units, `${kind}\u0000reported`, reported);
    let input: Record<string, unknown> = {};
    try {
      // The JSON body as serialized: a string, or its UTF-8 bytes.
      const json = typeof body === 'string' ? body : ArrayBuffer.isView(body) ? utf8.decode(body as Uint8Array) : undefined;
      input = json ? (JSON.parse(json) as Record<string, unknown>) : {};
    } catch {
      // Not JSON: nothing to apply the rules to.
    }
    this.add(this.units, `${kind}\u0000rules`, capacityByRules(operation, input, output));
  }

  private add(map: Map<string, number>, key: string, n: number): void {
    map.set(key, (map.get(key) ?? 0) + n);
  }
}
