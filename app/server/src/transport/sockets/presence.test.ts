import pino from 'pino';
import type { PresenceEvent } from '@chat/protocol';
import { Presence } from './presence';
import type { ChatServer } from './socket-server';

/**
 * The coalescing and ordering of presence updates, over a stand-in for `io` whose fetchSockets answers when the test
 * says so (as a slow server in a cluster would). The real server is exercised in test/team-chat.test.ts.
 */
test('one computation per room at a time; a change during one is not lost, and updates go out in order', async () => {
  const fetches: ((sockets: { data: object }[]) => void)[] = [];
  const emitted: PresenceEvent[] = [];
  const io = {
    in: () => ({ fetchSockets: () => new Promise<{ data: object }[]>((resolve) => fetches.push(resolve)) }),
    to: () => ({ emit: (_event: string, p: PresenceEvent) => emitted.push(p) }),
  } as unknown as ChatServer;
  const presence = new Presence(io, pino({ level: 'silent' }));
  const until = async (cond: () => boolean) => {
    while (!cond()) await new Promise((r) => setTimeout(r, 20));
  };

  presence.changed('r');
  presence.changed('r');
  await until(() => fetches.length === 1);
  // Ann leaves and Bo comes while the first computation is still out.
  presence.changed('r');
  presence.changed('r');
  await new Promise((r) => setTimeout(r, 400));
  expect(fetches).toHaveLength(1);

  fetches[0]!([{ data: { clientId: 'a', author: 'Ann', identifiedAt: 1 } }]);
  await until(() => fetches.length === 2);
  fetches[1]!([{ data: { clientId: 'b', author: 'Bo', identifiedAt: 2 } }, { data: {} }]);
  await until(() => emitted.length === 2);
  expect(emitted).toEqual([
    { room: 'r', members: [{ clientId: 'a', author: 'Ann' }], count: 1 },
    { room: 'r', members: [{ clientId: 'b', author: 'Bo' }], count: 1 },
  ]);
  presence.close();
});

test('getPresence is answered from one shared snapshot until something changes in the room', async () => {
  let fetchCount = 0;
  let answer!: (sockets: { data: object }[]) => void;
  const io = {
    in: () => ({
      fetchSockets: () => {
        fetchCount++;
        return new Promise<{ data: object }[]>((resolve) => (answer = resolve));
      },
    }),
    to: () => ({ emit: () => undefined }),
  } as unknown as ChatServer;
  const presence = new Presence(io, pino({ level: 'silent' }));
  const asked = Array.from({ length: 50 }, () => presence.current('r'));
  answer([{ data: { clientId: 'a', author: 'Ann', identifiedAt: 1 } }]);
  for (const p of await Promise.all(asked)) expect(p).toEqual({ room: 'r', members: [{ clientId: 'a', author: 'Ann' }], count: 1 });
  expect(fetchCount).toBe(1);
  // A change here makes it stale at once: the next asker gets a new computation.
  presence.changed('r');
  const next = presence.current('r');
  answer([]);
  expect(await next).toEqual({ room: 'r', members: [], count: 0 });
  expect(fetchCount).toBe(2);
  presence.close();
});
