import type { AppendResult, Backends, Delivery, SequencedMessage } from './ports';
import type { Backend, ChatMetrics } from './metrics';

const isAbort = (err: unknown) => (err as { name?: string } | undefined)?.name === 'AbortError';

/**
 * A port with every async method counted on failure (chat_backend_errors_total{backend}), plus the few timings
 * the metrics need (store writes, receive batch sizes). A Proxy rather than a class per port, so a method a port
 * gains later is counted without touching this file, and the consumer and use cases stay unaware of metrics.
 */
function instrument<T extends object>(
  port: T,
  backend: Backend,
  metrics: ChatMetrics,
  around: Partial<Record<string, (result: Promise<unknown>, args: unknown[]) => void>> = {},
): T {
  return new Proxy(port, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function' || typeof prop !== 'string' || prop === 'close' || prop === 'constructor') return value;
      return (...args: unknown[]) => {
        const result: unknown = (value as (...a: unknown[]) => unknown).apply(target, args);
        if (!(result instanceof Promise)) return result;
        result.catch((err: unknown) => {
          if (!isAbort(err)) metrics.backendErrors.inc({ backend });
        });
        around[prop]?.(result, args);
        return result;
      };
    },
  });
}

/** The backends with metrics at their edge; hand these to the consumer, use cases and routes. */
export function instrumentBackends<B extends Backends>(backends: B, metrics: ChatMetrics): B {
  // append(room, messages): all or nothing; a conflict (another writer got there first) stores nothing.
  const append = (result: Promise<unknown>, args: unknown[]) => {
    const end = metrics.storeSeconds.startTimer();
    result.then(
      (r) => {
        end();
        if ((r as AppendResult).ok) metrics.stored.inc((args[1] as SequencedMessage[]).length);
      },
      () => end(),
    );
  };
  const receive = (result: Promise<unknown>) => {
    result.then(
      (batch) => metrics.receiveBatch.observe((batch as Delivery[]).length),
      () => {},
    );
  };
  return {
    ...backends,
    queue: instrument(backends.queue, 'queue', metrics, { receive }),
    store: instrument(backends.store, 'store', metrics, { append }),
    uploads: instrument(backends.uploads, 'uploads', metrics),
    edits: instrument(backends.edits, 'store', metrics),
    reactions: instrument(backends.reactions, 'store', metrics),
    push: instrument(backends.push, 'store', metrics),
  };
}
