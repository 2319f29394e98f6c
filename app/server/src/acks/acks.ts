import type { MessageStore } from '../ports';
import { TimeoutError } from '../util/timeout';
import { KnownIds } from './known-ids';

/**
 * The way back to senders. A sender waits here for its message's seq; whoever learns it settles the wait: the
 * consumer that stored the message (or found it stored before), or a notice that another server stored it. `ids`
 * answers a retry of a message stored before without the queue.
 */
export class Acks {
  readonly ids: KnownIds;
  private readonly waiting = new Map<string, Set<(seq: string) => void>>();

  constructor(store: Pick<MessageStore, 'lookup'>) {
    this.ids = new KnownIds(store);
  }

  /** Resolves with the message's seq once `settle` names it; rejects after `ms`. */
  wait(room: string, id: string, ms: number): { done: Promise<string>; cancel: () => void } {
    const key = `${room}\n${id}`;
    let resolveFn!: (seq: string) => void;
    let timer: NodeJS.Timeout | undefined;
    const cancel = () => {
      clearTimeout(timer);
      const set = this.waiting.get(key);
      set?.delete(resolveFn);
      if (set?.size === 0) this.waiting.delete(key);
    };
    const done = new Promise<string>((resolve, reject) => {
      resolveFn = (seq) => {
        cancel();
        resolve(seq);
      };
      timer = setTimeout(() => {
        cancel();
        reject(new TimeoutError(`message ${id} was not stored within ${ms} ms`));
      }, ms);
      timer.unref();
      let set = this.waiting.get(key);
      if (!set) this.waiting.set(key, (set = new Set()));
      set.add(resolveFn);
    });
    return { done, cancel };
  }

  /** The message is stored at `seq` (here or on another server): answer everyone waiting for it here. */
  settle(room: string, id: string, seq: string): void {
    const set = this.waiting.get(`${room}\n${id}`);
    if (set) for (const resolve of [...set]) resolve(seq);
  }

  /** How many messages have someone waiting (for tests). */
  get size(): number {
    return this.waiting.size;
  }
}
