// A chat server as dist/main.js runs it, with one fault: the moment its store has written a message whose id is
// CRASH_AFTER_STORING, the process SIGKILLs itself — after the write, before the message is broadcast, acked or
// deleted from the queue. Deterministic, where killing a server from outside hits that window only by chance.
// Test-only: node runs this file directly (type stripping) over the built server; a release ships dist/ alone.
import server from '../../dist/server.js';
import type { MessageStore } from '../../dist/ports.js';

const crashId = process.env['CRASH_AFTER_STORING'];

function crashAfterStoring(store: MessageStore): MessageStore {
  return {
    head: (room) => store.head(room),
    lookup: (room, ids, opts) => store.lookup(room, ids, opts),
    append: async (room, messages) => {
      const result = await store.append(room, messages);
      if (result.ok && messages.some((m) => m.id === crashId)) process.kill(process.pid, 'SIGKILL');
      return result;
    },
    page: (room, limit, before) => store.page(room, limit, before),
    ping: () => store.ping(),
    close: () => store.close(),
  };
}

const running = await server.startServer(process.env, undefined, { ports: ({ store }) => ({ store: crashAfterStoring(store) }) });
process.once('SIGTERM', () => {
  running.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
});
