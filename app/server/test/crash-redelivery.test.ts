import { Cluster, CRASH_AFTER_STORE, type ServerProcess } from './support/cluster';
import { eventually } from './support/eventually';
import { fullHistory, idsOf, RoomMember } from './support/room-member';

const ACK_TIMEOUT_MS = 15_000;

/**
 * A server that stores a message and dies before broadcasting it, made deterministic: both servers run a test entry
 * that SIGKILLs itself right after its store writes the message `lost` (whichever server the queue hands it to).
 * The queue redelivers `lost` to the other server, which finds it stored. Members that stayed connected must still
 * get it live: a protocol-v1 client does not fill gaps from history.
 */
describe('a server killed between storing a message and broadcasting it', () => {
  const cluster = new Cluster();
  const members: RoomMember[] = [];

  beforeAll(() => cluster.start({ servers: 2, entry: CRASH_AFTER_STORE, env: { CRASH_AFTER_STORING: 'lost' } }), 180_000);
  afterAll(async () => {
    for (const m of members.splice(0)) m.close();
    await cluster.stop();
  }, 60_000);

  test('the server that gets the redelivery broadcasts it again: members that stayed connected receive it live, once in history', async () => {
    const room = 'redelivery';
    const [a, b] = cluster.servers as [ServerProcess, ServerProcess];
    const join = async (url: string, name: string) => {
      const m = await RoomMember.connect(url, room, name);
      members.push(m);
      return m;
    };
    const onA = await join(a.url, 'on-a');
    const onB = await join(b.url, 'on-b');
    const sender = await join(cluster.lb.url, 'sender');
    const send = (id: string) => sender.send({ id, room, author: 'sender', text: `${id} from sender` }, ACK_TIMEOUT_MS);
    const liveIds = (m: RoomMember) => idsOf(m.live).join(', ') || 'nothing';

    await send('before');
    await eventually(
      () => [onA, onB].every((m) => m.live.some((l) => l.id === 'before')),
      60_000,
      'both members to receive "before" live',
      () => `on-a: ${liveIds(onA)}; on-b: ${liveIds(onB)}`,
    );

    // Acked once stored: by the id look-up of whichever server the sender (re)connected to.
    const lost = await send('lost');
    await eventually(
      () => a.exited !== b.exited,
      60_000,
      'the server that stored "lost" to kill itself',
      () => `a exited: ${a.exited}, b exited: ${b.exited}`,
    );
    const survivor = a.exited ? onB : onA;

    // Queued behind "lost", "after" is stored only once the queue has redelivered "lost" (its visibility timeout).
    await send('after');
    await eventually(
      () => survivor.live.some((l) => l.id === 'after'),
      120_000,
      `${survivor.name} to receive "after" live`,
      () => liveIds(survivor),
    );
    expect(idsOf(survivor.live)).toEqual(['before', 'lost', 'after']);
    expect(survivor.disconnects).toBe(0);

    const history = await fullHistory(cluster.lb.url, room);
    expect(idsOf(history)).toEqual(['before', 'lost', 'after']);
    expect(history[1]!.seq).toBe(lost.seq);
    // Broadcast again as stored: its seq, and the sentAt of its first store.
    expect(survivor.live[1]).toEqual(history[1]);
  }, 300_000);
});
