/** The subscribers of one kind of event: `add` returns the unsubscribe. */
export class Listeners<T> {
  private readonly fns = new Set<(value: T) => void>();

  add(fn: (value: T) => void): () => void {
    this.fns.add(fn);
    return () => this.fns.delete(fn);
  }

  emit(value: T): void {
    for (const fn of this.fns) fn(value);
  }
}
