/**
 * Two random values this browser keeps in localStorage: `clientId` tells one person's tabs apart from another
 * person with the same name (presence), and `deleteKey` proves a message was sent from here (the server keeps
 * only its hash). Without storage they last for the page only.
 */
import { randomToken } from '../shared/random-token';

const CLIENT_ID_KEY = 'chat.clientId';
const DELETE_KEY_KEY = 'chat.deleteKey';
const TOKEN = /^[A-Za-z0-9_-]+$/;

export function clientId(): string {
  return stored(CLIENT_ID_KEY, 16, 1, 64);
}

export function deleteKey(): string {
  return stored(DELETE_KEY_KEY, 32, 22, 128);
}

const memory = new Map<string, string>();

function stored(key: string, bytes: number, min: number, max: number): string {
  const ok = (v: string | null | undefined): v is string => !!v && v.length >= min && v.length <= max && TOKEN.test(v);
  let value: string | null | undefined = memory.get(key);
  if (ok(value)) return value;
  try {
    value = globalThis.localStorage?.getItem(key);
  } catch {
    value = null;
  }
  if (!ok(value)) {
    value = randomToken(bytes);
    try {
      globalThis.localStorage?.setItem(key, value);
    } catch {
      /* private mode: this page only */
    }
  }
  memory.set(key, value);
  return value;
}

/** For tests: forget what this page remembered (storage is cleared separately). */
export function resetBrowserIdentity(): void {
  memory.clear();
}
