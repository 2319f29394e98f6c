import { compareSeq, type ChatMessage } from '@chat/protocol';
import { Cluster, type ServerProcess } from './support/cluster';
import { eventually } from './support/eventually';
import { fullHistory, idsOf, RoomMember } from './support/room-member';

/**
 * Several servers behind a load balancer, for real: two chat server processes on one SQS FIFO queue (moto), Socket.IO's
 * Redis streams adapter over Debian's redis-server, HAProxy in front. Clients connect through the LB and directly to
 * each server. Integrity is asserted, never timing: clients retry `unavailable` with the same id, as real ones do.
 */

const ACK_TIMEOUT_MS = 15_000;

const readyz = async (url: string) => {
  try {
    return (await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(5000) })).status;
  } catch {
    return 0;
  }
};

/** Every acked message is in history once, with its acked seq; each member saw the room as history has it. */
async function expectIntegrity(url: string, room: string, members: RoomMember[]): Promise<ChatMessage[]> {
  const history = await fullHistory(url, room);
  const ids = idsOf(history);
  expect(new Set(ids).size).toBe(ids.length);
  const seqById = new Map(history.map((m) => [m.id, m.seq]));
  for (const m of members) {
    await m.settle();
    for (const [id, seq] of m.acked) expect([id, seqById.get(id)]).toEqual([id, seq]);
    // Live delivery: always as stored, in seq order. A message broadcast again because the queue redelivered it (its
    // first server may have died before broadcasting) can come twice, with the same seq: clients keep one per id.
    for (const l of m.live) expect([l.id, l.seq]).toEqual([l.id, seqById.get(l.id)]);
    const seen = new Set<string>();
    const firsts = m.live.filter((l) => !seen.has(l.id) && seen.add(l.id));
    for (let i = 1; i < firsts.length; i++) expect(compareSeq(firsts[i - 1]!.seq, firsts[i]!.seq)).toBeLessThan(0);
    expect(idsOf(m.view())).toEqual(ids);
  }
  return history;
}

/** What a member lacks of the room's history (live, or live and caught up), with its connection story: for a failed wait. */
async function missing(url: string, m: RoomMember, of: 'live' | 'known' = 'known'): Promise<string> {
  const has = of === 'live' ? new Set(idsOf(m.live)) : new Set(m.known.keys());
  const absent = (await fullHistory(url, m.room)).filter((h) => !has.has(h.id)).map((h) => `${h.id}@${Number(h.seq)}`);
  return (
    `${m.known.size} known, ${m.live.length} live; ${of === 'live' ? 'not live' : 'missing'}: [${absent.join(', ')}]; ` +
    `disconnects ${m.disconnects}, recoveries ${m.recoveries}, connected ${m.socket.connected}` +
    (m.joinError ? `; last join failed: ${m.joinError}` : '')
  );
}

/** `rounds` messages from each member, each member sending one after the other, all members at once. */
const chatter = (members: RoomMember[], tag: string, rounds: number) =>
  Promise.all(
    members.map(async (m) => {
      for (let i = 0; i < rounds; i++) {
        await m.send({ id: `${tag}-${m.name}-${i}`, room: m.room, author: m.name, text: `${tag} ${i} from ${m.name}` }, ACK_TIMEOUT_MS);
      }
    }),
  );

describe('scale-out: two servers behind HAProxy, Redis streams adapter, one SQS queue (moto)', () => {
  const cluster = new Cluster();
  const members: RoomMember[] = [];
  let a: ServerProcess;
  let b: ServerProcess;
  const join = async (url: string, room: string, name: string) => {
    const m = await RoomMember.connect(url, room, name);
    members.push(m);
    return m;
  };

  beforeAll(async () => {
    await cluster.start({ servers: 2 });
    [a, b] = cluster.servers as [ServerProcess, ServerProcess];
    await cluster.untilAllUp();
  }, 180_000);
  afterAll(async () => {
    for (const m of members.splice(0)) m.close();
    await cluster.stop();
  }, 60_000);

  test('clients on both servers: every message once to every member, one order everywhere = history, acks across servers', async () => {
    const rooms = ['north', 'south'];
    const group = await Promise.all(
      rooms.flatMap((room) => [
        join(cluster.lb.url, room, `${room}-lb1`),
        join(cluster.lb.url, room, `${room}-lb2`),
        join(cluster.lb.url, room, `${room}-lb3`),
        join(a.url, room, `${room}-a`),
        join(b.url, room, `${room}-b`),
      ]),
    );
    // The LB spread its clients over both servers.
    const sessions = await cluster.lb.sessions();
    expect(sessions['s1']).toBeGreaterThan(0);
    expect(sessions['s2']).toBeGreaterThan(0);

    await chatter(group, 'steady', 8);
    for (const room of rooms) {
      const inRoom = group.filter((m) => m.room === room);
      await Promise.all(
        inRoom.map((m) =>
          eventually(
            () => m.live.length >= inRoom.length * 8,
            60_000,
            `${m.name} to receive all ${inRoom.length * 8} live`,
            () => missing(cluster.lb.url, m, 'live'),
          ),
        ),
      );
      const history = await expectIntegrity(cluster.lb.url, room, inRoom);
      expect(history).toHaveLength(inRoom.length * 8);
      // Nothing faulted: every member got every message live, exactly as history has it.
      for (const m of inRoom) expect(m.live).toEqual(history);
    }

    // Each message was stored by exactly one server; senders directly on one server were acked for messages the
    // other server stored (the stored notice crossed over through Redis).
    const storedBy = new Map<string, string[]>();
    for (const s of cluster.servers) for (const id of s.stored()) storedBy.set(id, [...(storedBy.get(id) ?? []), s.name]);
    const all = group.flatMap((m) => [...m.acked.keys()]);
    for (const id of all) expect([id, storedBy.get(id)?.length]).toEqual([id, 1]);
    const crossed = group
      .filter((m) => m.url === a.url || m.url === b.url)
      .flatMap((m) => [...m.acked.keys()].filter((id) => storedBy.get(id)![0] !== (m.url === a.url ? 'a' : 'b')));
    expect(crossed.length).toBeGreaterThan(0);
    for (const m of group) m.close();
  }, 240_000);

  test('a server SIGKILLed mid-run: its clients reconnect through the LB and catch up, nothing acked lost or doubled; back, it takes clients again', async () => {
    const room = 'crash';
    const viaLb = await Promise.all(Array.from({ length: 6 }, (_, i) => join(cluster.lb.url, room, `lb${i}`)));
    const onB = await join(b.url, room, 'b-direct');
    const group = [...viaLb, onB];

    const run = chatter(group, 'crash', 10);
    const acks = () => group.reduce((n, m) => n + m.acked.size, 0);
    await eventually(
      () => acks() >= 15,
      120_000,
      '15 acks before the crash',
      () => `${acks()} acks, ${group.reduce((n, m) => n + m.unavailable, 0)} unavailable`,
    );
    await a.kill();
    await run;
    // A's clients lost their socket and came back through the LB to B.
    expect(viaLb.some((m) => m.disconnects > 0)).toBe(true);
    expect(viaLb.every((m) => m.socket.connected)).toBe(true);

    const before = (await cluster.lb.sessions())['s1'] ?? 0;
    await a.start();
    await eventually(
      async () => (await cluster.lb.up())['s1'] === true,
      60_000,
      'server a back up behind the LB',
      async () => JSON.stringify(await cluster.lb.up()),
    );
    const late = await Promise.all(Array.from({ length: 4 }, (_, i) => join(cluster.lb.url, room, `late${i}`)));
    expect((await cluster.lb.sessions())['s1']).toBeGreaterThan(before);

    const everyone = [...group, ...late];
    await chatter(everyone, 'after', 2);
    const total = group.length * 10 + everyone.length * 2;
    await Promise.all(
      everyone.map((m) =>
        eventually(
          () => m.known.size >= total,
          120_000,
          `${m.name} to catch up (${total} messages)`,
          () => missing(cluster.lb.url, m),
        ),
      ),
    );
    const history = await expectIntegrity(cluster.lb.url, room, everyone);
    expect(history).toHaveLength(total);
    for (const m of everyone) m.close();
  }, 400_000);

  test('Redis stopped mid-run: sends answer unavailable in bounded time and /readyz says so; after its restart all recovers, nothing acked lost', async () => {
    const room = 'outage';
    const group = await Promise.all([
      join(cluster.lb.url, room, 'lb0'),
      join(cluster.lb.url, room, 'lb1'),
      join(a.url, room, 'a-direct'),
      join(b.url, room, 'b-direct'),
    ]);
    await chatter(group, 'pre', 3);

    await cluster.redis.stop();
    const statuses = async () => `a ${await readyz(a.url)}, b ${await readyz(b.url)}`;
    await eventually(async () => (await statuses()) === 'a 503, b 503', 30_000, 'both servers not ready (/readyz 503)', statuses);
    // The answer comes (BACKEND_TIMEOUT_MS at the latest, the ack timeout is above it) and says unavailable.
    for (const s of [a, b]) {
      const m = group.find((g) => g.url === s.url)!;
      const ack = await m.socket
        .timeout(ACK_TIMEOUT_MS)
        .emitWithAck('sendMessage', { id: `down-${s.name}`, room, author: m.name, text: 'while down' });
      expect(ack).toMatchObject({ ok: false, error: { code: 'unavailable' } });
    }

    await cluster.redis.restart();
    await eventually(async () => (await statuses()) === 'a 200, b 200', 60_000, 'both servers ready again (/readyz 200)', statuses);
    // The refused sends, retried with the same id, and more.
    for (const s of [a, b]) {
      const m = group.find((g) => g.url === s.url)!;
      await m.send({ id: `down-${s.name}`, room, author: m.name, text: 'while down' }, ACK_TIMEOUT_MS);
    }
    await chatter(group, 'post', 3);
    const total = group.length * 6 + 2;
    await Promise.all(
      group.map((m) =>
        eventually(
          () => m.known.size >= total && m.live.some((l) => l.id === `post-${group[0].name}-2`),
          120_000,
          `${m.name} to have all ${total} messages and post-${group[0].name}-2 live`,
          () => missing(cluster.lb.url, m),
        ),
      ),
    );
    const history = await expectIntegrity(cluster.lb.url, room, group);
    expect(history).toHaveLength(total);
    for (const m of group) m.close();
  }, 300_000);
});
