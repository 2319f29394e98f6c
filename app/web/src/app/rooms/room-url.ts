import { Injectable, signal } from '@angular/core';
import { DEFAULT_ROOM } from '@chat/protocol';

/**
 * The room is the URL, `/r/<room>`: the app's one route, kept with the History API. Angular's router would
 * add ~70 kB to the first screen for this; other paths (`/`, `/anything`) are replaced by `/r/global`.
 */
@Injectable({ providedIn: 'root' })
export class RoomUrl {
  private readonly current = signal(DEFAULT_ROOM);
  /** The room segment as written in the URL (decoded, not yet normalised: `Team%20Chat` is `Team Chat`). */
  readonly room = this.current.asReadonly();

  constructor() {
    this.read();
    globalThis.addEventListener?.('popstate', () => this.read());
  }

  /** Opens a room: a new history entry, or with `replace` the current one (a corrected or refused URL). */
  go(room: string, opts: { replace?: boolean } = {}): void {
    const url = roomPath(room);
    if (globalThis.history) {
      if (opts.replace) history.replaceState(null, '', url);
      else if (globalThis.location?.pathname !== url) history.pushState(null, '', url);
    }
    this.current.set(room);
  }

  private read(): void {
    const room = roomFromPath(globalThis.location?.pathname ?? '/');
    if (room === undefined) this.go(DEFAULT_ROOM, { replace: true });
    else this.current.set(room);
  }
}

/** The app is served from the site's root (`<base href="/">`). */
export function roomPath(room: string): string {
  return `/r/${encodeURIComponent(room)}`;
}

/** The room a path names, or undefined when the path is not `/r/<room>`. */
export function roomFromPath(path: string): string | undefined {
  const segment = /^\/r\/([^/]+)\/?$/.exec(path)?.[1];
  if (segment === undefined) return undefined;
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment; // a broken escape: normalising refuses it and the page goes home
  }
}
