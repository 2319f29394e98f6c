import type { Authenticator } from '../../auth';
import type { DeleteMessage } from '../../chat/delete-message';
import type { PrivateRooms } from '../../chat/private-rooms';
import type { RoomAccess } from '../../chat/room-access';
import type { EditMessage } from '../../chat/edit-message';
import type { ReactToMessage } from '../../chat/react-to-message';
import type { PushSubscriptions } from '../../ports';
import type { SendMessage } from '../../chat/send-message';
import type { Config } from '../../config';
import type { Logger } from '../../logger';
import type { ChatMetrics } from '../../metrics';
import type { AddressLimits } from '../abuse-limits';
import { admission } from './admission';
import { deletes } from './deletes';
import { edits } from './edits';
import { push } from './push';
import { reactions } from './reactions';
import { handshakeIdentity } from './identity';
import { messages } from './messages';
import { presence } from './presence';
import { privateRooms } from './private-rooms';
import { rooms } from './rooms';
import { signIn } from './sign-in';
import type { ChatServer, SocketConcern } from './socket-server';
import { typing, TypingRelay } from './typing';

export interface SocketDeps {
  config: Config;
  log: Logger;
  send: SendMessage;
  deletes: DeleteMessage;
  edits: EditMessage;
  react: ReactToMessage;
  push: PushSubscriptions;
  limits: AddressLimits;
  metrics: ChatMetrics;
  /** Signed-in mode only: the token check, who may use which room, and private rooms' requests. */
  signedIn?: { authenticator: Authenticator; access: RoomAccess; rooms: PrivateRooms };
}

/**
 * The socket half of the protocol, one concern per module. Handshake checks run in the order listed (its address's
 * slot, its identity, then its token); every event is validated, limited and answered, nothing else trusted.
 */
export function attachSocketHandlers(io: ChatServer, deps: SocketDeps): { close(): void } {
  const relay = new TypingRelay(io);
  const concerns: SocketConcern[] = [
    // First: a flood of handshakes is refused before any token is verified.
    admission(deps),
    { admit: handshakeIdentity },
    signIn({ authenticator: deps.signedIn?.authenticator, log: deps.log }),
    rooms(deps.config, deps.limits, deps.signedIn?.access),
    messages({ ...deps, typing: relay, access: deps.signedIn?.access }),
    typing(io, relay, deps.config, deps.limits),
    presence(io, relay, deps.config, deps.log, deps.limits),
    deletes(deps),
    edits(deps),
    reactions(deps),
    push(deps),
    privateRooms({ io, config: deps.config, rooms: deps.signedIn?.rooms, log: deps.log }),
  ];
  for (const c of concerns) if (c.admit) io.use(c.admit);
  io.on('connection', (socket) => {
    for (const c of concerns) c.connected?.(socket);
  });
  return {
    close: () => {
      for (const c of concerns) c.close?.();
    },
  };
}
