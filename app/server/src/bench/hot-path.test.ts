import { runHotPath } from './hot-path';

// The bench is only worth its numbers if every message it times went the whole way: acked once and broadcast once.
it('drives every message through queue, consumer and store to its ack and one broadcast (embedded)', async () => {
  const r = await runHotPath({ messages: 60, rooms: 3, inFlight: 6, env: {} });
  expect(r).toMatchObject({ messages: 60, acked: 60, broadcasts: 60 });
  expect(r.firstError).toBeUndefined();
  expect(r.cpuUsPerMessage).toBeGreaterThan(0);
});
