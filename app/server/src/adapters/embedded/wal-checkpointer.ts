import { Worker } from 'node:worker_threads';

/** How often the write-ahead log is copied into the database. */
export const CHECKPOINT_EVERY_MS = 1000;

// Plain CommonJS: it runs as the worker's own script (`eval`), outside the build.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { DatabaseSync } = require('node:sqlite');
const db = new DatabaseSync(workerData.file);
db.exec('PRAGMA busy_timeout = 5000');
const checkpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
setInterval(() => {
  const { log, checkpointed } = checkpoint.get();
  parentPort.postMessage({ log, checkpointed });
}, workerData.everyMs);
`;

/**
 * Copies SQLite's write-ahead log into the database from a worker thread, with its own connection. A checkpoint
 * ends in an fsync; made by the committing connection (SQLite's default, every 1000 pages) it blocked the event loop
 * in the middle of the broadcasts for as long as the disk took. The store turns its automatic checkpoints off while
 * this runs; `onFailure` (the worker could not open the file, or died) lets it turn them back on.
 */
export class WalCheckpointer {
  private readonly worker: Worker;
  private stopped = false;
  /** Checkpoints that copied log frames into the database (for tests). */
  copies = 0;

  constructor(file: string, onFailure: (err: Error) => void, everyMs = CHECKPOINT_EVERY_MS) {
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { file, everyMs } });
    // Never what keeps the process alive.
    this.worker.unref();
    this.worker.on('message', (m: { log: number; checkpointed: number }) => {
      if (m.checkpointed > 0) this.copies++;
    });
    let failed = false;
    const fail = (err: Error) => {
      if (this.stopped || failed) return;
      failed = true;
      onFailure(err);
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(new Error(`the WAL checkpointer exited (code ${code})`)));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.worker.terminate();
  }
}
