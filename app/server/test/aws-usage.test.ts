import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { formatSeq } from '@chat/protocol';
import { MOTO_CREDENTIALS, MOTO_REGION } from '@chat/local-aws';
import type { RunningServer } from '../src';
import { AwsUsage } from '../src/adapters/aws/aws-usage';
import { DynamoStore } from '../src/adapters/aws/dynamo-store';
import { SqsQueue } from '../src/adapters/aws/sqs-queue';
import { METRIC_NAMES } from '../src/metric-names';
import { TestBackend } from './support/backends';
import { ChatClient } from './support/chat-client';
import { startCountingProxy } from './support/counting-proxy';
import { createResources } from './support/moto';
import { eventually } from './support/eventually';

/** `name{labels} value` lines of one metric, as label set → value. */
function samples(text: string, name: string): { labels: Record<string, string>; value: number }[] {
  return [...text.matchAll(new RegExp(`^${name}\\{([^}]*)\\} (\\S+)$`, 'gm'))].map((m) => ({
    labels: Object.fromEntries([...m[1]!.matchAll(/(\w+)="([^"]*)"/g)].map((l) => [l[1]!, l[2]!])),
    value: Number(m[2]),
  }));
}

/**
 * What the server asks of AWS, as /metrics counts it, against what crossed the wire to moto (a counting proxy in
 * between): the cost figures of the load test stand on these counts.
 */
describe('AWS usage counted (moto, calls counted on the wire)', () => {
  const backend = new TestBackend('moto');
  let proxy: Awaited<ReturnType<typeof startCountingProxy>>;
  let server: RunningServer;
  beforeAll(async () => {
    await backend.setup();
    // A short long poll, so that the requests in flight settle soon after the messages are stored.
    const env = await backend.env({ SQS_WAIT_SECONDS: '1' });
    proxy = await startCountingProxy(env['AWS_ENDPOINT_URL']!);
    server = await backend.start({ ...env, AWS_ENDPOINT_URL: proxy.url });
  });
  afterAll(async () => {
    await backend.teardown();
    await proxy.close();
  });

  const scrape = async () => await (await fetch(`${server.url}/metrics`)).text();
  /** Requests by operation as /metrics says, and as the proxy saw them (S3's REST calls by method). */
  const counted = (text: string) =>
    new Map(samples(text, METRIC_NAMES.awsRequests).map((s) => [`${s.labels['service']}:${s.labels['operation']}`, s.value]));
  const onTheWire = () => {
    const seen = new Map<string, number>();
    for (const c of proxy.calls) {
      const key = c.target ? `${c.target.startsWith('AmazonSQS') ? 'sqs' : 'dynamodb'}:${c.target.split('.')[1]}` : `s3:${c.method}`;
      seen.set(key, (seen.get(key) ?? 0) + 1);
    }
    return seen;
  };

  test('every request on the wire is counted by service and operation, and small messages cost the write units the rules say', async () => {
    const sender = await ChatClient.connect(server.url);
    const n = 5;
    for (let i = 0; i < n; i++) expect(await sender.send({ id: `u${i}`, author: 'ann', text: `message ${i}` })).toMatchObject({ ok: true });
    await sender.waitFor((r) => r.filter((m) => m.id.startsWith('u')).length === n);

    // The count is taken as a request leaves, the proxy's as it arrives: equal once nothing is on its way.
    let text = '';
    await eventually(
      async () => {
        text = await scrape();
        const mine = counted(text);
        const wire = onTheWire();
        const total = (m: Map<string, number>, prefix: string) =>
          [...m].filter(([k]) => k.startsWith(prefix)).reduce((s, [, v]) => s + v, 0);
        return (
          total(mine, 'sqs:') === total(wire, 'sqs:') &&
          total(mine, 'dynamodb:') === total(wire, 'dynamodb:') &&
          total(mine, 's3:') === total(wire, 's3:')
        );
      },
      30_000,
      'the SQS, DynamoDB and S3 requests counted in /metrics to equal those the proxy saw',
      () => JSON.stringify({ counted: [...counted(text)], wire: [...onTheWire()] }),
    );
    const mine = counted(text);
    const wire = onTheWire();
    for (const [key, count] of mine) if (!key.startsWith('s3:')) expect([key, count]).toEqual([key, wire.get(key)]);
    expect(mine.get('sqs:SendMessageBatch')).toBeGreaterThanOrEqual(1);
    expect(mine.get('sqs:ReceiveMessage')).toBeGreaterThanOrEqual(1);
    expect(mine.get('sqs:DeleteMessageBatch')).toBeGreaterThanOrEqual(1);

    const units = samples(text, METRIC_NAMES.dynamoUnits);
    const unit = (kind: string, source: string) => units.find((u) => u.labels['kind'] === kind && u.labels['source'] === source)?.value;
    // A small message is one row and one id record, each 1 KB or less, written in a transaction (twice the units).
    expect(unit('write', 'rules')).toBe(4 * n);
    // Reads: the room's head (one consistent Query) at least.
    expect(unit('read', 'rules')).toBeGreaterThanOrEqual(1);
    // What moto reports is served too (it returns none for transactions: the rules are the figure to use on moto).
    expect(unit('write', 'reported')).toBeGreaterThanOrEqual(0);
    sender.close();
  }, 60_000);

  test('the rooms of one turn are written in one TransactWriteItems, at the units of each room written alone', async () => {
    const r = await createResources(backend.moto!.endpoint, `usage-${Date.now()}`);
    const usage = new AwsUsage();
    const client = new DynamoDBClient({ region: MOTO_REGION, endpoint: r.AWS_ENDPOINT_URL, credentials: MOTO_CREDENTIALS });
    usage.attach('dynamodb', client);
    const store = new DynamoStore(client, r.TABLE_NAME, 24 * 3600);
    const msg = (room: string) => ({
      id: `${room}-1`,
      room,
      author: 'ann',
      text: 'hi',
      seq: formatSeq(1),
      sentAt: new Date().toISOString(),
    });
    const rooms = ['a', 'b', 'c', 'd'];
    expect(await Promise.all(rooms.map((room) => store.append(room, [msg(room)])))).toEqual(rooms.map(() => ({ ok: true })));
    expect(usage.requestCounts()).toEqual([{ service: 'dynamodb', operation: 'TransactWriteItems', count: 1 }]);
    expect(usage.unitCounts().find((u) => u.kind === 'write' && u.source === 'rules')?.units).toBe(4 * rooms.length);
    await store.close();
  });

  test('sends made in one turn share a SendMessageBatch, and the deletes of several rooms one DeleteMessageBatch', async () => {
    const r = await createResources(backend.moto!.endpoint, `usage-q-${Date.now()}`);
    const usage = new AwsUsage();
    const aws = {
      queueUrl: r.QUEUE_URL,
      tableName: r.TABLE_NAME,
      uploadsBucket: r.UPLOADS_BUCKET,
      region: r.AWS_REGION,
      endpoint: r.AWS_ENDPOINT_URL,
    };
    const queue = new SqsQueue(aws, 10_000, 1, () => {}, usage);
    const rooms = ['a', 'b', 'c'];
    await Promise.all(rooms.map((room) => queue.send({ id: `${room}-1`, room, author: 'ann', text: 'hi' })));
    const held = [];
    while (held.length < rooms.length) held.push(...(await queue.receive(new AbortController().signal, 1)));
    // As the consumer does: each room deletes its own deliveries when it is done, in the same turn here.
    await Promise.all(held.map((d) => queue.delete([d.receipt])));
    const count = (operation: string) => usage.requestCounts().find((c) => c.operation === operation)?.count;
    expect(count('SendMessageBatch')).toBe(1);
    expect(count('DeleteMessageBatch')).toBe(1);
    expect(await queue.receive(new AbortController().signal, 1)).toEqual([]);
    await queue.close();
  });
});
