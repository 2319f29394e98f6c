/**
 * The app's root URL, where the sign-in provider sends the browser back and where invite links point: the app is
 * served from its site's root (`<base href="/">`; rooms/room-url.ts relies on it too).
 */
export function appRoot(): string {
  return new URL('/', globalThis.location?.href ?? 'http://localhost/').href;
}
