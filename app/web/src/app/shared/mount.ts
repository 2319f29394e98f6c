import { ApplicationRef, DestroyRef, EnvironmentInjector, createComponent, type Injector, type Type } from '@angular/core';

/**
 * Renders a component from a lazy chunk into the page's element `#hostId` (a placeholder in a template, which keeps
 * its place in the layout): for parts of the page that the first paint can do without.
 */
export function mountInto(injector: Injector, hostId: string, component: Type<unknown>): void {
  const hostElement = globalThis.document?.getElementById(hostId);
  // Gone meanwhile (a test ended before the chunk came): nothing to render into.
  if (!hostElement || injector.get(DestroyRef).destroyed) return;
  const ref = createComponent(component, { environmentInjector: injector.get(EnvironmentInjector), hostElement });
  injector.get(ApplicationRef).attachView(ref.hostView);
}
