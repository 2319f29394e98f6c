import { spawn } from 'node:child_process';
import { freePort, waitForPort } from './ports';
import { venvTool } from './venv';
import { adoptDaemon } from './child';

export interface Moto {
  /** `http://127.0.0.1:<port>`: the AWS_ENDPOINT_URL for SQS, DynamoDB and S3 alike. */
  endpoint: string;
  port: number;
  /** Freeze the process: every call hangs, the way an unreachable backend behaves. */
  pause(): void;
  resume(): void;
  stop(): Promise<void>;
}

/** Credentials moto accepts (it checks that requests are signed, not by whom). */
export const MOTO_CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'testing' } as const;
export const MOTO_REGION = 'us-east-1';

/**
 * moto_server, with its DynamoDB requests taken one at a time. moto answers requests on threads and checks a
 * condition and writes without a lock, so two writers racing on one key can both "succeed" — which DynamoDB never
 * lets happen. Several chat servers writing one table (scale-out) need DynamoDB's atomicity; SQS and S3 stay
 * concurrent (a long poll must not block the rest).
 *
 * Under that lock, a transaction's rollback copy can be cheap. moto deep-copies the whole table once per item of a
 * TransactWriteItems (to restore it if one condition fails), so a write costs time in proportion to the table's size:
 * a chat's history grew it until moto, not the server, set the pace (about 1 message/s after some thousands). A
 * transaction of only Put, Delete and ConditionCheck replaces or removes items and never changes one in place, so
 * one shallow copy of the table's item maps restores it as well; a transaction with an Update keeps the deep copy.
 *
 * And SQS's long poll waits instead of spinning. moto's ReceiveMessage, when every visible message belongs to a
 * FIFO group that is in flight (a room being stored), "waits" for visible messages, finds them at once, and loops:
 * a busy loop that holds the GIL for the whole WaitTimeSeconds and starved every other request (with ten rooms the
 * chat fell to 1 message/s). Here it sleeps on the queue's condition, woken by a new message, and looks again every
 * 20 ms for groups that unlocked (a delete does not notify), as a real long poll returns once a group unlocks.
 *
 * And a FIFO group whose messages come back (visibility timeout lapsed, or released) comes back in order. moto unlocks
 * such a group lazily, one message at a time as its receive walks the queue: while the group's later messages still
 * count as in flight it skips the earlier ones, and once the last is unlocked it hands out that one and everything
 * after it — the group's earlier messages come later, out of order (SQS FIFO never does that). Here a message whose
 * visibility ended is out of flight before any receive looks at the group.
 */
const ATOMIC_DYNAMO_SERVER = `
import copy, signal, sys, threading, types
from collections import defaultdict
from werkzeug.serving import run_simple
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
import moto.dynamodb.models as ddb
from moto.dynamodb.models.table import Table
signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))

snapshots = {}
def backup(obj, memo=None):
    if snapshots.get('fast') and isinstance(obj, Table):
        if id(obj) not in snapshots:
            clone = copy.copy(obj)
            clone.items = defaultdict(dict, {h: dict(v) if isinstance(v, dict) else v for h, v in obj.items.items()})
            snapshots[id(obj)] = clone
        return snapshots[id(obj)]
    return copy.deepcopy(obj, memo)
ddb.copy = types.SimpleNamespace(deepcopy=backup, copy=copy.copy)
transact = ddb.DynamoDBBackend.transact_write_items
def transact_write_items(self, transact_items):
    snapshots.clear()
    snapshots['fast'] = all(next(iter(i)) in ('Put', 'Delete', 'ConditionCheck') for i in transact_items)
    try:
        return transact(self, transact_items)
    finally:
        snapshots.clear()
ddb.DynamoDBBackend.transact_write_items = transact_write_items

from moto.sqs.models import Queue
def wait_for_messages(self, timeout):
    with self._messages_lock:
        self._messages_lock.wait(timeout=min(timeout, 0.02))
Queue.wait_for_messages = wait_for_messages
def pending_messages(self):
    self._pending_messages -= {m for m in self._pending_messages if m.visible}
    return self._pending_messages
Queue.pending_messages = property(pending_messages)
Queue.pending_message_groups = property(lambda self: {m.group_id for m in self.pending_messages if m.group_id is not None})

app = DomainDispatcherApplication(create_backend_app)
lock = threading.Lock()
def serialized(environ, start_response):
    if environ.get('HTTP_X_AMZ_TARGET', '').startswith('DynamoDB_'):
        with lock:
            return list(app(environ, start_response))
    return app(environ, start_response)
run_simple(sys.argv[1], int(sys.argv[2]), serialized, threaded=True, request_handler=MotoRequestHandler)
`;

/**
 * moto server from the test set-up's .venv on a free loopback port, stopped by `stop()` or, at the latest, when
 * this process exits. `logFile` keeps its output; otherwise the last lines go into a start-up error.
 */
export async function startMoto(opts: { logFile?: string; atomicDynamo?: boolean } = {}): Promise<Moto> {
  const port = await freePort();
  const child = opts.atomicDynamo
    ? spawn(venvTool('python'), ['-c', ATOMIC_DYNAMO_SERVER, '127.0.0.1', String(port)], {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, MOTO_PORT: String(port) },
      })
    : spawn(venvTool('moto_server'), ['-H', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
  const daemon = adoptDaemon(child, opts.logFile);
  const stop = daemon.stop;
  try {
    await waitForPort(port, 30_000, () => child.exitCode !== null);
  } catch (err) {
    await stop();
    throw new Error(`moto server did not start: ${(err as Error).message}\n${daemon.tail()}`);
  }
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    pause: () => child.kill('SIGSTOP'),
    resume: () => child.kill('SIGCONT'),
    stop,
  };
}
