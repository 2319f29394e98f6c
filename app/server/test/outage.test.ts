import type { HistoryResponse } from '@chat/protocol';
import type { RunningServer } from '../src';
import { TestBackend } from './support/backends';
import { ChatClient, ids } from './support/chat-client';
import { eventually } from './support/eventually';

async function readyStatus(url: string): Promise<number> {
  return (await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(10_000) })).status;
}

/** moto frozen mid-test (SIGSTOP): every AWS call hangs, the way an unreachable backend behaves. */
describe('backend outage (moto)', () => {
  const backend = new TestBackend('moto');
  let server: RunningServer;
  beforeAll(async () => {
    await backend.setup();
    // READY_CACHE_MS 0: /readyz must see the outage at once here, not a cached answer from before it.
    server = await backend.start(await backend.env({ BACKEND_TIMEOUT_MS: '2000', READY_CACHE_MS: '0' }));
  });
  afterAll(async () => {
    backend.moto?.resume();
    await backend.teardown();
  });

  test('sends answer unavailable and /readyz turns 503 while it is down; both recover and nothing acked is lost', async () => {
    const watcher = await ChatClient.connect(server.url);
    const sender = await ChatClient.connect(server.url);
    expect(await sender.send({ id: 'before', author: 'ann', text: 'one' })).toMatchObject({ ok: true });
    expect(await readyStatus(server.url)).toBe(200);

    backend.moto!.pause();
    // The ack comes back (the client's own timeout would throw otherwise), and it says why.
    const during = await sender.send({ id: 'during', author: 'ann', text: 'two' }, 8000);
    expect(during).toMatchObject({ ok: false, error: { code: 'unavailable' } });
    expect(await readyStatus(server.url)).toBe(503);
    // The server keeps serving what needs no backend.
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);

    backend.moto!.resume();
    await eventually(async () => (await readyStatus(server.url)) === 200, 30_000, '/readyz 200 once moto is back');
    expect(await sender.send({ id: 'during', author: 'ann', text: 'two' }, 30_000)).toMatchObject({ ok: true });
    expect(await sender.send({ id: 'after', author: 'ann', text: 'three' }, 30_000)).toMatchObject({ ok: true });

    await watcher.waitFor((r) => r.some((m) => m.id === 'after'), 30_000);
    expect(ids(watcher.received)).toEqual(['before', 'during', 'after']);
    const history = (await (await fetch(`${server.url}/history`)).json()) as HistoryResponse;
    expect(ids(history.messages)).toEqual(['before', 'during', 'after']);
    watcher.close();
    sender.close();
  }, 90_000);
});
