import { InjectionToken, inject } from '@angular/core';
import { AuthSession } from '../session/auth-session';

/** The network boundary: tests hand in their own `fetch`, the app the browser's (with the sign-in's token, signed in). */
export const FETCH = new InjectionToken<typeof fetch>('FETCH', {
  providedIn: 'root',
  factory: () => {
    const session = inject(AuthSession);
    return (input, init) => session.fetch(input, init);
  },
});

/** The upload's network boundary (XHR, for upload progress), like FETCH for the rest. */
export const XHR_FACTORY = new InjectionToken<() => XMLHttpRequest>('XHR_FACTORY', {
  providedIn: 'root',
  factory: () => () => new XMLHttpRequest(),
});
