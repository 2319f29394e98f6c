/**
 * Two random values this browser keeps in localStorage: `clientId` tells one person's tabs apart from another
 * person with the same name (presence), and the delete secret from which each message's deleteKey is derived
 * (the server keeps only the key's hash). Without storage they last for the page only.
 */
import { randomToken } from '../shared/random-token';

const CLIENT_ID_KEY = 'chat.clientId';
const DELETE_KEY_KEY = 'chat.deleteKey';
const TOKEN = /^[A-Za-z0-9_-]+$/;

export function clientId(): string {
  return stored(CLIENT_ID_KEY, 16, 1, 64);
}

/** Never sent as it is, except to delete a message sent before per-message keys (RoomStore.sentWithSecret). */
export function deleteSecret(): string {
  return stored(DELETE_KEY_KEY, 32, 22, 128);
}

/** The deleteKey of one message, derived from the secret (delete-proof.ts, a lazy chunk: @noble/hashes). */
export async function messageDeleteKey(room: string, id: string): Promise<string> {
  const { deriveDeleteKey } = await import('./delete-proof');
  return deriveDeleteKey(deleteSecret(), room, id);
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
