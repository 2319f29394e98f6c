const noop = () => {};

/**
 * A socket handler's arguments as (payload, ack), whatever the client sent: Socket.IO passes the ack as the last
 * argument, so `emit('join', ack)` brings the ack where the payload should be, and `emit('join', a, b, ack)` puts
 * it third. Either way the client gets its answer (a refusal of the missing payload) instead of silence.
 */
export function withAck<T>(handler: (payload: unknown, reply: (r: T) => void) => unknown): (...args: unknown[]) => void {
  return (...args: unknown[]) => {
    const last = args.at(-1);
    const reply = typeof last === 'function' ? (last as (r: T) => void) : noop;
    const payload = typeof args[0] === 'function' ? undefined : args[0];
    void handler(payload, reply);
  };
}
