import type { ChatMessage, JoinAck, SendAck, SendMessageInput } from './schemas';

/** Socket.IO event maps, for `Server<ClientToServerEvents, ServerToClientEvents>` and `Socket<ServerToClientEvents, ClientToServerEvents>`. */
export interface ServerToClientEvents {
  newMessage: (message: ChatMessage) => void;
}

export interface ClientToServerEvents {
  /** A bare string is the seed's form: text from `anonymous` in `global`. */
  sendMessage: (message: SendMessageInput | string, ack?: (result: SendAck) => void) => void;
  join: (room: string, ack?: (result: JoinAck) => void) => void;
  /** Extension to v1: stop receiving a room's messages (a client switching rooms). */
  leave: (room: string, ack?: (result: JoinAck) => void) => void;
}

export const SOCKET_PATH = '/socket.io';
