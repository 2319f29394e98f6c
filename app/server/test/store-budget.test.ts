import type { HistoryResponse, SendAck } from '@chat/protocol';
import type { RunningServer } from '../src';
import { TestBackend } from './support/backends';
import { ChatClient } from './support/chat-client';

/** Behind the (trusted) proxy at `address`: TRUST_PROXY=1 reads it from X-Forwarded-For. */
const from = (address: string) => ({ headers: { 'X-Forwarded-For': address } });

describe('the store budget and the history budget', () => {
  const backend = new TestBackend('embedded');
  const clients: ChatClient[] = [];
  beforeAll(() => backend.setup());
  afterAll(async () => {
    for (const c of clients) c.close();
    await backend.teardown();
  });

  test('a 150-request burst of /history from one address meets 429 while another address is served', async () => {
    // The default history budget (120 per minute per address); nothing else set.
    const server: RunningServer = await backend.start(await backend.env({ TRUST_PROXY: '1' }));
    const statuses: number[] = [];
    for (let batch = 0; batch < 15; batch++) {
      const answers = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          fetch(`${server.url}/history?room=global&limit=200&before=${batch * 10 + i + 1}`, from('203.0.113.5')),
        ),
      );
      statuses.push(...answers.map((a) => a.status));
      await Promise.all(answers.map((a) => a.arrayBuffer()));
    }
    expect(statuses.filter((s) => s === 200)).toHaveLength(120);
    expect(statuses.filter((s) => s === 429)).toHaveLength(30);
    const refused = await fetch(`${server.url}/history?room=global`, from('203.0.113.5'));
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toMatch(/^[0-9]+$/);
    expect(await refused.json()).toMatchObject({
      error: { code: 'rate_limited', message: expect.stringContaining('120 history requests per minute') },
    });
    // Another address, and another /64 of IPv6, are served as usual.
    expect((await fetch(`${server.url}/history?room=global`, from('203.0.113.6'))).status).toBe(200);
    expect((await fetch(`${server.url}/history?room=global`, from('2001:db8:0:2::1'))).status).toBe(200);
  });

  test('an IPv6 client is one address across its /64', async () => {
    const server = await backend.start(await backend.env({ TRUST_PROXY: '1', HISTORY_REQUESTS_PER_MINUTE: '3' }));
    const statuses = [];
    for (let i = 1; i <= 4; i++) statuses.push((await fetch(`${server.url}/history?room=global`, from(`2001:db8:0:1::${i}`))).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect((await fetch(`${server.url}/history?room=global`, from('2001:db8:0:3::1'))).status).toBe(200);
  });

  test('messages past a room’s share of the write budget are refused before they are queued; other rooms keep theirs', async () => {
    // 1 write unit/s over a window far longer than the test (what is counted is how much, never how fast): 3600
    // units, of which one room may take 1 % = 36, i.e. 9 short messages (4 units each).
    const server = await backend.start(
      await backend.env({
        TRUST_PROXY: '1',
        STORE_WRITE_UNITS: '1',
        STORE_BUDGET_WINDOW_SECONDS: '3600',
        STORE_ROOM_SHARE_PERCENT: '1',
        STORE_ADDRESS_SHARE_PERCENT: '100',
      }),
    );
    const sender = await new ChatClient(server.url, { extraHeaders: { 'X-Forwarded-For': '203.0.113.40' } }).connected();
    clients.push(sender);
    const acks: SendAck[] = await Promise.all(
      Array.from({ length: 12 }, (_, i) => sender.send({ id: `busy-${i}`, room: 'busy', author: 'bot', text: `spam ${i}` })),
    );
    expect(acks.filter((a) => a.ok)).toHaveLength(9);
    for (const a of acks.filter((x) => !x.ok))
      expect(a).toMatchObject({ ok: false, error: { code: 'rate_limited', message: expect.stringContaining('storage budget') } });
    expect(await sender.send({ id: 'calm-1', room: 'calm', author: 'ann', text: 'hello' })).toMatchObject({ ok: true });
    // A refused message was never queued: history holds only the accepted ones.
    const page = (await (await fetch(`${server.url}/history?room=busy`, from('203.0.113.41'))).json()) as HistoryResponse;
    expect(page.messages.map((m) => m.id).sort()).toEqual(acks.flatMap((a, i) => (a.ok ? [`busy-${i}`] : [])).sort());
  });

  test('a cached newest page is forgotten as soon as a message is stored in its room', async () => {
    const server = await backend.start(await backend.env({ TRUST_PROXY: '1' }));
    const sender = await new ChatClient(server.url).connected();
    clients.push(sender);
    const read = async () =>
      ((await (await fetch(`${server.url}/history?room=global`, from('203.0.113.60'))).json()) as HistoryResponse).messages.map(
        (m) => m.id,
      );
    expect(await sender.send({ id: 'first', author: 'ann', text: 'one' })).toMatchObject({ ok: true });
    expect(await read()).toEqual(['first']);
    expect(await sender.send({ id: 'second', author: 'ann', text: 'two' })).toMatchObject({ ok: true });
    // Acked means stored, and storing forgets the cached page: the next read has it at once, not a second later.
    expect(await read()).toEqual(['first', 'second']);
  });
});
