import { io } from 'socket.io-client';
import type { ErrorBody, Session, SignedOutEvent } from '@chat/protocol';
import type { OidcProvider } from '@chat/local-aws';
import { ChatClient } from './chat-client';

/** The settings that make a server signed in against `provider`. */
export const signedInEnv = (provider: OidcProvider): Record<string, string> => ({
  AUTH_MODE: 'signed-in',
  AUTH_ISSUER: provider.issuer,
  AUTH_AUDIENCE: provider.clientId,
});

/** A signed-in test client: its token in the handshake; resolves once connected with the `session` the server sent. */
export async function signedIn(url: string, token: string): Promise<{ client: ChatClient; session: Session }> {
  const client = new ChatClient(url, { auth: { token } });
  const session = new Promise<Session>((resolve) => client.socket.once('session', resolve));
  await client.connected();
  return { client, session: await session };
}

/** What the server says to a handshake with `auth`: `connected`, or the refusal's `data`. */
export function handshake(url: string, auth?: Record<string, unknown>): Promise<'connected' | ErrorBody> {
  return new Promise((resolve) => {
    const s = io(url, { transports: ['websocket'], reconnection: false, forceNew: true, ...(auth ? { auth } : {}) });
    s.once('connect', () => (s.close(), resolve('connected')));
    s.once(
      'connect_error',
      (err: Error & { data?: ErrorBody }) => (s.close(), resolve(err.data ?? { code: 'invalid', message: err.message })),
    );
  });
}

/** Resolves with the `signedOut` the server sends `client` before disconnecting it. */
export const signedOut = (client: ChatClient) => new Promise<SignedOutEvent>((resolve) => client.socket.once('signedOut', resolve));

/** `fetch` with `Authorization: Bearer <token>`. */
export const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });
