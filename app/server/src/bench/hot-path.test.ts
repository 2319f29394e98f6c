import { MOTO_CREDENTIALS, createChatResources, startMoto } from '@chat/local-aws';
import { chatResourceShape } from '../adapters/aws/table-shape';
import { runHotPath } from './hot-path';

// The bench is only worth its numbers if every message it times went the whole way: acked once and broadcast once.
it('drives every message through queue, consumer and store to its ack and one broadcast (embedded)', async () => {
  const r = await runHotPath({ messages: 60, rooms: 3, inFlight: 6, env: {} });
  expect(r).toMatchObject({ messages: 60, acked: 60, broadcasts: 60 });
  expect(r.firstError).toBeUndefined();
  expect(r.cpuUsPerMessage).toBeGreaterThan(0);
});

it('counts, in aws mode, the requests and write units each message costs (moto)', async () => {
  // The SDK reads credentials from the process environment, as on a server.
  process.env['AWS_ACCESS_KEY_ID'] ??= MOTO_CREDENTIALS.accessKeyId;
  process.env['AWS_SECRET_ACCESS_KEY'] ??= MOTO_CREDENTIALS.secretAccessKey;
  const moto = await startMoto({ atomicDynamo: true });
  try {
    const resources = await createChatResources(moto.endpoint, `hot-path-${Date.now()}`, chatResourceShape);
    const env = {
      ...resources,
      AWS_ACCESS_KEY_ID: MOTO_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: MOTO_CREDENTIALS.secretAccessKey,
      SQS_WAIT_SECONDS: '1',
    };
    const r = await runHotPath({ messages: 20, rooms: 2, inFlight: 4, env });
    expect(r.firstError).toBeUndefined();
    expect(r).toMatchObject({ messages: 20, acked: 20, broadcasts: 20 });
    // A row and an id record, each under 1 KB, in a transaction: 4 units a message, however the turns batch them.
    expect(r.aws?.writeUnits).toBe(4);
    expect(r.aws?.requests['sqs:SendMessageBatch']).toBeGreaterThan(0);
    expect(r.aws?.requests['dynamodb:TransactWriteItems']).toBeGreaterThan(0);
  } finally {
    await moto.stop();
  }
}, 120_000);
