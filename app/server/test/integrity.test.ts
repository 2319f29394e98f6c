import type { SendMessageInput } from '@chat/protocol';
import type { RunningServer } from '../src';
import { MODES, TestBackend } from './support/backends';
import { ChatClient } from './support/chat-client';
import { fullHistory } from './support/history';

/**
 * Invariants 1–3 across late retries, restarts and a second server on the same queue and table (aws mode on moto),
 * or the same database (embedded: each server has its own in-process queue, the SQLite file is shared). Clients
 * retry `unavailable` with the same id, as real ones do; what is asserted is integrity, never speed.
 */
describe.each(MODES)('integrity in %s mode', (mode) => {
  const backend = new TestBackend(mode);
  const clients: ChatClient[] = [];
  const servers: RunningServer[] = [];
  beforeAll(() => backend.setup());
  afterAll(() => backend.teardown());
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });
  const start = async (env: Record<string, string>) => {
    const s = await backend.start(env);
    servers.push(s);
    return s;
  };
  const connect = async (s: RunningServer) => {
    const c = await ChatClient.connect(s.url);
    clients.push(c);
    return c;
  };
  // The cache of recent ids holds 200 per room: more than that, and only the store's id records know the first one.
  const NEWER = mode === 'moto' ? 250 : 500;

  test(`the first id retried after ${NEWER} newer messages gets its first seq, one row: also after a restart and from a second server`, async () => {
    const env = await backend.env({ RATE_LIMIT_POINTS: '100000' });
    let server = await start(env);
    const c = await connect(server);
    const first: SendMessageInput = { id: 'first', room: 'late', author: 'ann', text: 'the first' };
    const ack = await c.sendUntilAcked(first);
    expect(ack).toMatchObject({ ok: true, id: 'first' });
    const firstSeq = ack.ok ? ack.seq : '';
    for (let i = 0; i < NEWER; i += 25) {
      const acks = await Promise.all(
        Array.from({ length: 25 }, (_, j) => c.sendUntilAcked({ id: `n${i + j}`, room: 'late', author: 'bo', text: `#${i + j}` })),
      );
      expect(acks.filter((a) => !a.ok)).toEqual([]);
    }
    const oneRow = async (url: string) => {
      const all = await fullHistory(url, 'late');
      expect(all).toHaveLength(NEWER + 1);
      expect(all.filter((m) => m.id === 'first').map((m) => m.seq)).toEqual([firstSeq]);
    };
    expect(await c.sendUntilAcked(first)).toMatchObject({ ok: true, id: 'first', seq: firstSeq });
    await oneRow(server.url);

    await server.close();
    server = await start(env);
    const afterRestart = await connect(server);
    expect(await afterRestart.sendUntilAcked(first)).toMatchObject({ ok: true, id: 'first', seq: firstSeq });
    await oneRow(server.url);

    const second = await start(env);
    const onSecond = await connect(second);
    expect(await onSecond.sendUntilAcked(first)).toMatchObject({ ok: true, id: 'first', seq: firstSeq });
    await oneRow(second.url);
  }, 600_000);

  // Two servers racing for every seq of one room. Embedded: each has its own queue and consumer on one SQLite file,
  // no group lock to help. moto: one queue and table; moto may hand a message group to both receivers at once, so
  // only the store's conditional, all-or-nothing appends keep the order (its DynamoDB is made atomic, as the real
  // one is: see startMoto).
  test('two servers on one table, clients on both sending at once: every message acked once with its own seq; history is exactly those, in seq order, no gap', async () => {
    const env = await backend.env({ RATE_LIMIT_POINTS: '100000' });
    const [a, b] = [await start(env), await start(env)];
    const [CLIENTS, EACH] = mode === 'moto' ? [6, 15] : [10, 30];
    const senders = await Promise.all(Array.from({ length: CLIENTS }, (_, i) => connect(i % 2 ? b : a)));
    const acks = await Promise.all(
      senders.flatMap((c, ci) =>
        Array.from({ length: EACH }, (_, mi) =>
          c.sendUntilAcked({ id: `s${ci}-${mi}`, room: 'shared', author: `u${ci}`, text: `${mi} from ${ci}` }),
        ),
      ),
    );
    expect(acks.filter((x) => !x.ok)).toEqual([]);
    const acked = new Map(acks.map((x) => [x.ok ? x.id : '', x.ok ? x.seq : '']));
    expect(acked.size).toBe(CLIENTS * EACH);
    expect(new Set(acked.values()).size).toBe(CLIENTS * EACH);

    for (const s of [a, b]) {
      const stored = await fullHistory(s.url, 'shared');
      expect(stored.map((m) => [m.id, m.seq])).toEqual([...acked].sort((x, y) => (x[1] < y[1] ? -1 : 1)));
      expect(stored.map((m) => Number(m.seq))).toEqual(Array.from({ length: CLIENTS * EACH }, (_, i) => i + 1));
    }
  }, 600_000);
});
