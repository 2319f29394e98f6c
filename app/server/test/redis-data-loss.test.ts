import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { MOTO_CREDENTIALS, MOTO_REGION } from '@chat/local-aws';
import { Cluster, type ServerProcess } from './support/cluster';
import { eventually } from './support/eventually';
import { fullHistory, idsOf, RoomMember } from './support/room-member';

/**
 * The Redis barrier before the SQS delete proves that Redis holds a broadcast, not that the other servers have read
 * it. Redis restarting empty (or a failover to a replica behind it) takes the entries a server had yet to read; their
 * messages are acked, stored and gone from the queue. A frozen server makes that window as wide as the test needs.
 */

const ACK_TIMEOUT_MS = 15_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const readyz = async (url: string) => {
  try {
    return (await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(5000) })).status;
  } catch {
    return 0;
  }
};

describe('Redis replaced while a server has not read the other server’s broadcasts', () => {
  const cluster = new Cluster();
  const members: RoomMember[] = [];
  let a: ServerProcess;
  let b: ServerProcess;

  beforeAll(async () => {
    await cluster.start({ servers: 2 });
    [a, b] = cluster.servers as [ServerProcess, ServerProcess];
    await cluster.untilAllUp();
  }, 180_000);
  afterAll(async () => {
    a?.thaw();
    for (const m of members.splice(0)) m.close();
    await cluster.stop();
  }, 60_000);

  /** Messages in the queue, visible or in flight. */
  const queued = async () => {
    const sqs = new SQSClient({ region: MOTO_REGION, endpoint: cluster.env['AWS_ENDPOINT_URL'], credentials: MOTO_CREDENTIALS });
    try {
      const out = await sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: cluster.env['QUEUE_URL'],
          AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
        }),
      );
      return Number(out.Attributes?.['ApproximateNumberOfMessages']) + Number(out.Attributes?.['ApproximateNumberOfMessagesNotVisible']);
    } finally {
      sqs.destroy();
    }
  };

  test('the lost broadcasts still reach the sockets of the server that had not read them (they catch up)', async () => {
    const room = 'replaced';
    const onA = await RoomMember.connect(a.url, room, 'a-direct');
    const onB = await RoomMember.connect(b.url, room, 'b-direct');
    members.push(onA, onB);
    await onB.send({ id: 'warm', room, author: 'b', text: 'warm' }, ACK_TIMEOUT_MS);
    await eventually(() => onA.known.has('warm'), 30_000, 'a-direct to see warm');

    // A stops reading: its pending XREAD is answered once, into its socket buffer, and it asks for nothing more. The
    // pause lets its SQS long poll (SQS_WAIT_SECONDS 2) end empty, so that B consumes what follows: a precondition
    // of the fault, not a timing under test.
    a.freeze();
    await sleep(4000);
    const sent = ['m0', 'm1', 'm2'];
    for (const id of sent) await onB.send({ id, room, author: 'b', text: id }, ACK_TIMEOUT_MS);
    await eventually(() => sent.every((id) => onB.known.has(id)), 30_000, 'b-direct to see m0..m2 live');
    // B's barrier passed and its deletes landed: no redelivery will publish them again.
    await eventually(
      async () => (await queued()) === 0,
      30_000,
      'the queue to be empty',
      async () => `${await queued()} queued`,
    );

    await cluster.redis.restart();
    a.thaw();
    await eventually(async () => (await readyz(a.url)) === 200 && (await readyz(b.url)) === 200, 60_000, 'both servers ready again');

    const history = idsOf(await fullHistory(b.url, room));
    expect(history).toEqual(['warm', ...sent]);
    await eventually(
      () => history.every((id) => onA.known.has(id)),
      60_000,
      'a-direct to have every acked message',
      () => `a-direct knows [${[...onA.known.keys()].join(', ')}], live [${idsOf(onA.live).join(', ')}], disconnects ${onA.disconnects}`,
    );
    await eventually(() => history.every((id) => onB.known.has(id)), 60_000, 'b-direct to have every acked message');
  }, 300_000);
});
