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
 * And ReceiveMessage keeps SQS FIFO's order. moto's takes the set of groups in flight once per call, so a long poll
 * begun before another receive took a group's first message still hands out that group's later ones (a second
 * server stored a room's next message while the first held its earlier one); it unlocks a group whose messages come
 * back (visibility timeout lapsed, or released) one message at a time as it walks the queue, handing out the group's
 * last message and those after it before its first; and concurrent receives see each other's half-received
 * messages. Here every pass over the queue runs under one lock (released while the poll waits), drops from flight
 * what is visible again, and locks each group with a message still in flight.
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

from moto.core.utils import unix_time
from moto.sqs.models import Queue, SQSBackend, _filter_message_attributes
sqs_lock = threading.RLock()
def wait_for_messages(self, timeout):
    sqs_lock.release()
    try:
        with self._messages_lock:
            self._messages_lock.wait(timeout=min(timeout, 0.02))
    finally:
        sqs_lock.acquire()
Queue.wait_for_messages = wait_for_messages
def receive_message(self, queue_name, count, wait_seconds_timeout, visibility_timeout, message_attribute_names=None):
    queue = self.get_queue(queue_name)
    result = []
    polling_end = unix_time() + wait_seconds_timeout
    with sqs_lock:
        while True:
            queue._pending_messages -= {m for m in queue._pending_messages if m.visible}
            in_flight = {m.group_id for m in queue._pending_messages if m.group_id is not None}
            to_dlq = []
            for message in queue.messages:
                if queue.fifo_queue and message.group_id in in_flight:
                    continue
                policy = queue.redrive_policy
                if queue.dead_letter_queue is not None and policy and message.approximate_receive_count >= policy['maxReceiveCount']:
                    to_dlq.append(message)
                    continue
                queue._pending_messages.add(message)
                message.mark_received(visibility_timeout=visibility_timeout)
                received = copy.deepcopy(message)
                _filter_message_attributes(received, message_attribute_names or [])
                if not self.is_message_valid_based_on_retention_period(queue_name, message):
                    break
                result.append(received)
                if len(result) >= count:
                    break
            for message in to_dlq:
                queue._messages.remove(message)
                queue.dead_letter_queue.add_message(message)
            if result or not wait_seconds_timeout or unix_time() > polling_end:
                return result
            queue.wait_for_messages(1)
SQSBackend.receive_message = receive_message
def locked(method):
    def run(*args, **kwargs):
        with sqs_lock:
            return method(*args, **kwargs)
    return run
Queue.delete_message = locked(Queue.delete_message)
SQSBackend.change_message_visibility = locked(SQSBackend.change_message_visibility)

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
    throw new Error(`moto server did not start: ${(err as Error).message}\n${daemon.tail()}`, { cause: err });
  }
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    pause: () => child.kill('SIGSTOP'),
    resume: () => child.kill('SIGCONT'),
    stop,
  };
}
