import type { MessageStore, PushSubscriptions, PushTarget } from '../../src/ports';
import { ADAPTERS, AdapterBackend } from './adapters';

const target = (name: string): PushTarget => ({
  endpoint: `https://push.example.com/${name}`,
  keys: { p256dh: `p-${name}`, auth: `a-${name}` },
  person: `${name}-id`,
  name,
});

/** The PushSubscriptions port, over each store's own history: SQLite (embedded) and DynamoDB (moto). */
describe.each(ADAPTERS)('PushSubscriptions contract: %s', (kind) => {
  const backend = new AdapterBackend(kind);
  let store: MessageStore;
  let push: PushSubscriptions;
  beforeAll(() => backend.setup(), 60_000);
  afterAll(() => backend.teardown());
  beforeEach(async () => {
    const opened = await backend.store();
    store = opened.store;
    push = opened.push();
  });

  test('put lists a subscription in each of its rooms with its level; a second put replaces the rooms', async () => {
    await push.put(target('bo'), { team: 'mentions', news: 'all' });
    await push.put(target('cy'), { news: 'mentions' });
    expect(await push.forRoom('team')).toEqual([{ ...target('bo'), level: 'mentions' }]);
    expect((await push.forRoom('news')).sort((a, b) => a.name.localeCompare(b.name))).toEqual([
      { ...target('bo'), level: 'all' },
      { ...target('cy'), level: 'mentions' },
    ]);
    await push.put(target('bo'), { news: 'mentions', ops: 'all' });
    expect(await push.forRoom('team')).toEqual([]);
    expect(await push.forRoom('ops')).toEqual([{ ...target('bo'), level: 'all' }]);
    expect((await push.forRoom('news')).find((s) => s.name === 'bo')?.level).toBe('mentions');
  });

  test('remove forgets every room of that subscription only; an unknown endpoint is no error', async () => {
    await push.put(target('bo'), { team: 'all', news: 'all' });
    await push.put(target('cy'), { team: 'all' });
    await push.remove(target('bo').endpoint);
    await push.remove('https://push.example.com/unknown');
    expect(await push.forRoom('team')).toEqual([{ ...target('cy'), level: 'all' }]);
    expect(await push.forRoom('news')).toEqual([]);
  });

  test('subscriptions are not messages: the room history and head are untouched', async () => {
    await push.put(target('bo'), { team: 'all' });
    expect(await store.head('team')).toBe(0n);
    expect(await store.page('team', 10)).toEqual({ messages: [], more: false });
  });
});
