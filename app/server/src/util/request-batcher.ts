/**
 * Calls made in the same turn of the event loop go out together: up to `max` entries per request, at most
 * `inFlight` requests at a time; what is added while those are on their way goes in the next ones. Under load that
 * is a fraction of the requests (each costs a signed HTTP call of CPU, and an AWS request on the bill); alone, an
 * entry waits for nothing but the end of the current turn.
 */
export class RequestBatcher<T> {
  private readonly queue: { entry: T; resolve: () => void; reject: (err: Error) => void }[] = [];
  private running = 0;

  constructor(
    private readonly max: number,
    private readonly inFlight: number,
    /** Sends one request; resolves to the error of each entry that failed (by its index in `entries`). */
    private readonly request: (entries: T[]) => Promise<Map<number, Error>>,
  ) {}

  add(entry: T): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ entry, resolve, reject });
      if (this.queue.length === 1) setImmediate(() => this.flush());
    });
  }

  private flush(): void {
    while (this.queue.length > 0 && this.running < this.inFlight) {
      const chunk = this.queue.splice(0, this.max);
      this.running++;
      this.request(chunk.map((c) => c.entry))
        .then(
          (failed) => chunk.forEach((c, n) => (failed.has(n) ? c.reject(failed.get(n)!) : c.resolve())),
          (err: Error) => chunk.forEach((c) => c.reject(err)),
        )
        .finally(() => {
          this.running--;
          this.flush();
        });
    }
  }
}
