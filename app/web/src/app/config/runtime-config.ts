import { Injectable, computed, inject, signal } from '@angular/core';
import { DEFAULT_MAX_UPLOAD_BYTES, IMAGE_CONTENT_TYPES, PROTOCOL_VERSION, readWebConfig, type WebConfig } from '@chat/protocol';
import { FETCH } from './fetch';

const CONFIG_TIMEOUT_MS = 5000;

/** What the app runs with when `/config.json` is missing: the API on the page's own origin. */
export const DEFAULT_CONFIG: WebConfig = {
  apiUrl: '',
  maxUploadBytes: DEFAULT_MAX_UPLOAD_BYTES,
  imageTypes: [...IMAGE_CONTENT_TYPES],
  protocolVersion: PROTOCOL_VERSION,
};

/**
 * `/config.json` is read at start, not baked into the build, so the one build serves the S3 site
 * (API on another origin) and `npm start` (same origin) alike.
 */
@Injectable({ providedIn: 'root' })
export class RuntimeConfig {
  private readonly fetch = inject(FETCH);
  private readonly current = signal<WebConfig>(DEFAULT_CONFIG);
  readonly config = this.current.asReadonly();
  /** Whether people sign in (config.json `auth.mode`); open (v1's behaviour) unless it says so. */
  readonly signedIn = computed(() => this.current().auth?.mode === 'signed-in');
  /** Why the defaults are in use, when they are. */
  readonly problem = signal<string | null>(null);

  async load(url = configUrl()): Promise<WebConfig> {
    try {
      // The app waits for this before it starts, so a hanging request must not hang the page.
      const res = await this.fetch(url, {
        cache: 'no-store',
        headers: { accept: 'application/json' },
        signal: AbortSignal.timeout(CONFIG_TIMEOUT_MS),
      });
      if (res.status === 404) return this.fallback(null);
      if (!res.ok) return this.fallback(`config.json answered ${res.status}`);
      const parsed = readWebConfig(await res.json());
      if (!parsed.ok) return this.fallback(`config.json is not valid: ${parsed.error.message}`);
      if (parsed.value.protocolVersion !== PROTOCOL_VERSION) {
        this.problem.set(`The server speaks protocol v${parsed.value.protocolVersion}, this page v${PROTOCOL_VERSION}: reload to update.`);
      }
      const apiUrl = parsed.value.apiUrl.replace(/\/+$/, '');
      // The API lives at an origin's root: Socket.IO connects to the origin alone and the server's
      // URLs (`/images/...`, `/uploads/...`) are root-relative, so a path prefix could never work.
      if (apiUrl && new URL(apiUrl, globalThis.location?.href ?? 'http://localhost/').pathname !== '/') {
        return this.fallback(`config.json apiUrl must be an origin without a path, not "${parsed.value.apiUrl}"`);
      }
      this.current.set({ ...parsed.value, apiUrl });
    } catch (err) {
      return this.fallback(`config.json could not be read (${(err as Error).message})`);
    }
    return this.current();
  }

  /** Absolute URL of an API path or of a server-given URL that may be relative (e.g. `/images/...`). */
  resolve(pathOrUrl: string): string {
    return new URL(pathOrUrl, this.apiBase()).toString();
  }

  /** The origin Socket.IO connects to (its path is separate, so no path here). */
  socketOrigin(): string {
    return new URL(this.apiBase()).origin;
  }

  private apiBase(): string {
    const api = this.current().apiUrl;
    const page = globalThis.location?.href ?? 'http://localhost/';
    return new URL(api || '/', page).toString();
  }

  private fallback(problem: string | null): WebConfig {
    if (problem) console.warn(`${problem}; using same-origin defaults`);
    this.problem.set(problem);
    this.current.set(DEFAULT_CONFIG);
    return DEFAULT_CONFIG;
  }
}

function configUrl(): string {
  const base = globalThis.document?.baseURI ?? globalThis.location?.href ?? 'http://localhost/';
  return new URL('config.json', base).toString();
}
