import { InjectionToken } from '@angular/core';

/** The network boundary: tests hand in their own `fetch`, the app the browser's. */
export const FETCH = new InjectionToken<typeof fetch>('FETCH', {
  providedIn: 'root',
  factory: () => globalThis.fetch.bind(globalThis),
});

/** The upload's network boundary (XHR, for upload progress), like FETCH for the rest. */
export const XHR_FACTORY = new InjectionToken<() => XMLHttpRequest>('XHR_FACTORY', {
  providedIn: 'root',
  factory: () => () => new XMLHttpRequest(),
});
