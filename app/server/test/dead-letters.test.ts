import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetQueueAttributesCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { MOTO_CREDENTIALS, MOTO_REGION } from '@chat/local-aws';
import pino from 'pino';
import { DynamoStore } from '../src/adapters/aws/dynamo-store';
import { DynamoDeletes } from '../src/adapters/aws/dynamo-deletes';
import { SqsQueue } from '../src/adapters/aws/sqs-queue';
import { encodeMessage } from '../src/adapters/message-codec';
import { Acks } from '../src/acks/acks';
import { QueueConsumer } from '../src/consumer/queue-consumer';
import { formatSeq } from '@chat/protocol';
import { UnwritableMessage, type AcceptedMessage } from '../src/ports';
import { redriveDeadLetters } from '../src/redrive';
import { eventually } from './support/eventually';
import { FaultyStore } from './support/faulty-store';
import { createResources, startMoto, type Moto } from './support/moto';

const msg = (id: string, room = 'r'): AcceptedMessage => ({ id, room, author: 'a', text: id });

async function dlqCount(sqs: SQSClient, url: string): Promise<number> {
  const out = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: url,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return Number(out.Attributes?.ApproximateNumberOfMessages ?? 0) + Number(out.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0);
}

/**
 * A message the store can never write reaches SQS's dead-letter queue (moto, redrive policy after 2 receives), and
 * `npm run redrive`'s function brings it back, recognised by id: stored once, whether it was stored meanwhile or not.
 */
describe('dead letters and redrive (moto)', () => {
  let moto: Moto;
  beforeAll(async () => {
    moto = await startMoto();
  }, 60_000);
  afterAll(() => moto.stop());

  test('a permanent refusal goes to the dead-letter queue; redrive brings it back and a stored copy stays one row', async () => {
    const r = await createResources(moto.endpoint, `dlq-${Date.now()}`, { visibilityTimeoutSeconds: 2, maxReceiveCount: 2 });
    const aws = {
      queueUrl: r.QUEUE_URL,
      tableName: r.TABLE_NAME,
      uploadsBucket: r.UPLOADS_BUCKET,
      region: r.AWS_REGION,
      endpoint: r.AWS_ENDPOINT_URL,
    };
    const creds = { region: MOTO_REGION, endpoint: r.AWS_ENDPOINT_URL, credentials: MOTO_CREDENTIALS };
    const sqs = new SQSClient(creds);
    const dynamo = new DynamoDBClient(creds);
    const store = new DynamoStore(dynamo, r.TABLE_NAME, 24 * 3600);
    const faulty = new FaultyStore(store);
    let refuse = true;
    faulty.failAppend = (_room, ms) =>
      refuse && ms.some((m) => m.id === 'poison') ? { error: new UnwritableMessage('item too large') } : undefined;
    const queue = new SqsQueue(aws, 10_000, 1, () => {});
    const acks = new Acks(faulty);
    const noRoom = { newMessage: () => {}, messageDeleted: () => {}, messageEdited: () => {}, reactions: () => {} };
    const rows = new DynamoDeletes(dynamo, r.TABLE_NAME);
    const consumer = new QueueConsumer({ queue, store: faulty, rows, acks, events: noRoom }, pino({ level: 'silent' }), {
      retry: { baseMs: 5, capMs: 50 },
    });
    consumer.start();
    try {
      const after = acks.wait('r', 'after', 60_000);
      await queue.send(msg('before'));
      await queue.send(msg('poison'));
      await queue.send(msg('after'));
      await after.done;
      // poison was received, refused and handed back each time; after two receives SQS moved it to the DLQ.
      await eventually(async () => (await dlqCount(sqs, r.DEAD_LETTER_QUEUE_URL)) === 1, 60_000, 'poison in the dead-letter queue');
      // And a message already stored that is also in the dead-letter queue (its delete lost, twice).
      expect(await store.append('r', [{ ...msg('stored'), seq: formatSeq(3), sentAt: new Date().toISOString() }])).toEqual({ ok: true });
      await sqs.send(
        new SendMessageCommand({
          QueueUrl: r.DEAD_LETTER_QUEUE_URL,
          MessageBody: encodeMessage(msg('stored')),
          MessageGroupId: 'r',
          MessageDeduplicationId: 'stored',
        }),
      );

      refuse = false;
      const again = acks.wait('r', 'stored', 60_000);
      const back = acks.wait('r', 'poison', 60_000);
      expect(await redriveDeadLetters(sqs, r.DEAD_LETTER_QUEUE_URL, r.QUEUE_URL)).toEqual({ moved: 2 });
      expect(await again.done).toBe(formatSeq(3));
      expect(await back.done).toBe(formatSeq(4));
      expect((await store.page('r', 10)).messages.reverse().map((m) => m.id)).toEqual(['before', 'after', 'stored', 'poison']);
      expect(await dlqCount(sqs, r.DEAD_LETTER_QUEUE_URL)).toBe(0);
    } finally {
      await consumer.stop();
      await queue.close();
      await store.close();
      dynamo.destroy();
      sqs.destroy();
    }
  }, 180_000);
});
