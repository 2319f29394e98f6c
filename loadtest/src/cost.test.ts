import { FREE_TIER, PRICES, formatCost, messageCost, parseUsage, usageBetween } from './cost';

const metrics = (send: number, wcu: number) => `# HELP chat_aws_requests_total x
# TYPE chat_aws_requests_total counter
chat_aws_requests_total{service="sqs",operation="SendMessageBatch"} ${send}
chat_aws_requests_total{service="dynamodb",operation="TransactWriteItems"} ${send}
chat_dynamodb_capacity_units_total{kind="write",source="rules"} ${wcu}
chat_dynamodb_capacity_units_total{kind="write",source="reported"} 0
chat_messages_stored_total 7
`;

describe('cost per message', () => {
  test('reads the counters from /metrics and takes a run as the difference', () => {
    const before = parseUsage(metrics(2, 8));
    expect(before).toEqual({
      requests: { 'sqs:SendMessageBatch': 2, 'dynamodb:TransactWriteItems': 2 },
      units: { 'write:rules': 8, 'write:reported': 0 },
      stored: 7,
    });
    expect(usageBetween(before, parseUsage(metrics(12, 48).replace('stored_total 7', 'stored_total 17')))).toEqual({
      requests: { 'sqs:SendMessageBatch': 10, 'dynamodb:TransactWriteItems': 10 },
      units: { 'write:rules': 40 },
      stored: 10,
    });
  });

  test('per message, priced, and the free tier limited by whichever of writes, reads and CPU binds first', () => {
    const usage = {
      requests: { 'sqs:SendMessageBatch': 100, 'sqs:ReceiveMessage': 100, 'dynamodb:Query': 50 },
      units: { 'write:rules': 400, 'read:rules': 50 },
    };
    const c = messageCost(usage, 100, 5)!;
    expect(c).toMatchObject({ sqsRequests: 2, dynamoRequests: 0.5, writeUnits: 4, readUnits: 0.5, cpuMs: 5 });
    expect(c.perMillion.sqs).toBeCloseTo(2 * PRICES.sqsFifoPerMillionRequests);
    expect(c.perMillion.dynamo).toBeCloseTo(4 * PRICES.dynamoOnDemandPerMillionWriteUnits + 0.5 * PRICES.dynamoOnDemandPerMillionReadUnits);
    // 5 ms of CPU a message: 200 ms/s of baseline is 40 msg/s; 25 WCU at 4 a message is 6.25 msg/s.
    expect(c.freeTier).toEqual({ byWrites: FREE_TIER.wcu / 4, byReads: 50, byCpu: 40, sustained: 6.25, binds: 'write units' });
    expect(messageCost(usage, 0, 5)).toBeUndefined();
    expect(formatCost([{ run: 'moto', cost: c, usage }])).toContain('6.3 (write units bind)');
  });
});
