/**
 * One lane per room: a room's jobs run one after another in the order they were given, rooms run side by side.
 * A room that is slow or failing delays only its own lane.
 */
export class RoomLanes {
  private readonly tails = new Map<string, Promise<void>>();
  private readonly running = new Set<Promise<void>>();

  run(room: string, job: () => Promise<void>): Promise<void> {
    const previous = this.tails.get(room) ?? Promise.resolve();
    const next = previous.then(job).catch(() => {});
    this.tails.set(room, next);
    this.running.add(next);
    void next.then(() => {
      this.running.delete(next);
      if (this.tails.get(room) === next) this.tails.delete(room);
    });
    return next;
  }

  /** Rooms with work queued or running. */
  get active(): number {
    return this.tails.size;
  }

  /** Resolves when any job ends (at once when none runs). */
  whenAnySettles(): Promise<void> {
    return this.running.size === 0 ? Promise.resolve() : Promise.race(this.running);
  }

  /** Resolves when every job given so far has ended. */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all(this.running);
  }
}
