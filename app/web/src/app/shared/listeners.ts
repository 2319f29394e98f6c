/** Subscribers per event of an event map (`{ eventName: payload }`): `on` returns the unsubscribe. */
export class Listeners<Events> {
  private readonly byEvent = new Map<keyof Events, Set<(value: never) => void>>();

  on<E extends keyof Events>(event: E, fn: (value: Events[E]) => void): () => void {
    let fns = this.byEvent.get(event);
    if (!fns) this.byEvent.set(event, (fns = new Set()));
    fns.add(fn);
    return () => fns.delete(fn);
  }

  emit<E extends keyof Events>(event: E, value: Events[E]): void {
    for (const fn of this.byEvent.get(event) ?? []) (fn as (value: Events[E]) => void)(value);
  }
}
