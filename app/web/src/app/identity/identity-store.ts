import { Injectable, inject, signal } from '@angular/core';
import { checkAuthor } from '@chat/protocol';
import { RuntimeConfig } from '../config/runtime-config';

const KEY = 'chat.displayName';

/**
 * The display name, asked once and kept in localStorage; validated by the protocol's own `author` rule. Signed in,
 * it is the token's name, set by the sign-in (never asked, never stored).
 */
@Injectable({ providedIn: 'root' })
export class IdentityStore {
  readonly name = signal<string | null>(inject(RuntimeConfig).signedIn() ? null : read());

  /** Returns a message for the user when the name is not acceptable. */
  set(raw: string): string | null {
    const parsed = checkAuthor(raw);
    if (!parsed.ok) return parsed.error.message.replace(/^author: /, 'Name: ');
    this.name.set(parsed.value);
    try {
      localStorage.setItem(KEY, parsed.value);
    } catch {
      /* private mode: the name lasts for this page only */
    }
    return null;
  }
}

function read(): string | null {
  try {
    const stored = globalThis.localStorage?.getItem(KEY);
    if (stored == null) return null;
    const parsed = checkAuthor(stored);
    return parsed.ok ? parsed.value : null;
  } catch {
    return null;
  }
}
