import type { ExtendedError, Socket } from 'socket.io';
import { handshakeAuthSchema, parseWith, type Role } from '@chat/protocol';

/**
 * What a socket carries about its person, in `socket.data`: kept with a recovered session and read
 * on every server by `fetchSockets`, so presence needs no list of its own. Plain values only (it is serialised).
 */
export interface SocketData {
  clientId?: string;
  author?: string;
  /** When this identity was set (ms): of two tabs of one browser with different names, the later one is shown. */
  identifiedAt?: number;
  /** Signed-in mode: who the socket's token proves it is; then `clientId` is `user.id` and `author` `user.name`. */
  user?: SignedInUser;
}

/** A signed-in socket's person, as its token says (plain values: it travels with the socket's data). */
export interface SignedInUser {
  id: string;
  name: string;
  /** Sets two people of one name apart in presence. */
  tag: string;
  roles: Role[];
  /** When the token expires (ms since the epoch): the socket is signed out then unless it sent a fresh one. */
  expiresAt: number;
}

export type ListedData = Required<SocketData>;

/** Listed in presence: a socket that said who it is. A v1 client never does, and is simply not listed. */
export const isListed = (data: SocketData | undefined): data is ListedData =>
  typeof data?.clientId === 'string' && typeof data.author === 'string';

/** Socket.IO middleware: the handshake's `auth` ({ clientId?, author? }) into `socket.data`; a bad value refuses the connection. */
export function handshakeIdentity(socket: Socket, next: (err?: ExtendedError) => void): void {
  const parsed = parseWith(handshakeAuthSchema, socket.handshake.auth ?? {});
  if (!parsed.ok) {
    const err: ExtendedError = new Error(`auth.${parsed.error.message}`);
    err.data = { ...parsed.error, message: err.message };
    return next(err);
  }
  const { clientId, author } = parsed.value;
  const data = socket.data as SocketData;
  if (clientId !== undefined) data.clientId = clientId;
  if (author !== undefined) data.author = author;
  data.identifiedAt = Date.now();
  next();
}
