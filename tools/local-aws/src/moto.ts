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
 */
const ATOMIC_DYNAMO_SERVER = `
import signal, sys, threading
from werkzeug.serving import run_simple
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
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
