import type {
  ChatMessage,
  DeleteAck,
  DeleteMessageInput,
  IdentifyAck,
  IdentifyInput,
  JoinAck,
  MessageDeletedEvent,
  PresenceAck,
  PresenceEvent,
  SendAck,
  SendMessageInput,
  TypingAck,
  TypingEvent,
  TypingInput,
} from './schemas';

/** Socket.IO event maps, for `Server<ClientToServerEvents, ServerToClientEvents>` and `Socket<ServerToClientEvents, ClientToServerEvents>`. */
export interface ServerToClientEvents {
  newMessage: (message: ChatMessage) => void;
  // Additions to v1: a v1 client never subscribes to them and loses nothing.
  presence: (presence: PresenceEvent) => void;
  typing: (typing: TypingEvent) => void;
  messageDeleted: (deleted: MessageDeletedEvent) => void;
}

export interface ClientToServerEvents {
  /** A bare string is the seed's form: text from `anonymous` in `global`. */
  sendMessage: (message: SendMessageInput | string, ack?: (result: SendAck) => void) => void;
  join: (room: string, ack?: (result: JoinAck) => void) => void;
  /** Extension to v1: stop receiving a room's messages (a client switching rooms). */
  leave: (room: string, ack?: (result: JoinAck) => void) => void;
  // Additions to v1: presence, typing, deletes.
  /** Set or change this socket's identity; the handshake's `auth` (HandshakeAuth) does the same at connect. */
  identify: (identity: IdentifyInput, ack?: (result: IdentifyAck) => void) => void;
  getPresence: (room: string, ack: (result: PresenceAck) => void) => void;
  typing: (typing: TypingInput, ack?: (result: TypingAck) => void) => void;
  deleteMessage: (request: DeleteMessageInput, ack: (result: DeleteAck) => void) => void;
}

export const SOCKET_PATH = '/socket.io';
