import { InjectionToken } from '@angular/core';

/** The network boundary: tests hand in their own `fetch`, the app the browser's. */
export const FETCH = new InjectionToken<typeof fetch>('FETCH', {
  providedIn: 'root',
  factory: () => globalThis.fetch.bind(globalThis),
});
