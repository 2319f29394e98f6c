import { TimeoutError } from '../util/timeout';

/** Senders waiting for their message's seq: settled by whoever learns it (stored now, or found stored before). */
export class Waiters {
  private readonly waiting = new Map<string, Set<(seq: string) => void>>();

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

  settle(room: string, id: string, seq: string): void {
    const set = this.waiting.get(`${room}\n${id}`);
    if (set) for (const resolve of [...set]) resolve(seq);
  }

  /** How many messages have someone waiting (for tests and metrics). */
  get size(): number {
    return this.waiting.size;
  }
}
