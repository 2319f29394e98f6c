import type {
  AcceptInviteInput,
  AuthenticateAck,
  AuthenticateInput,
  CreateInviteInput,
  CreateRoomInput,
  InviteAck,
  InvitesAck,
  ListRoomsInput,
  MembersAck,
  OkAck,
  RemoveMemberInput,
  RevokeInviteInput,
  RoomAck,
  RoomRefInput,
  RoomsAck,
  Session,
  SignedOutEvent,
  ChatMessage,
  DeleteAck,
  DeleteMessageInput,
  EditAck,
  EditMessageInput,
  MessageEditedEvent,
  ReactAck,
  ReactInput,
  ReactionsEvent,
  SubscribePushInput,
  UnsubscribePushInput,
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
  // Additions for edits and reactions.
  messageEdited: (edited: MessageEditedEvent) => void;
  reactions: (reactions: ReactionsEvent) => void;
  // Additions for sign-in: only a signed-in socket receives them.
  /** Who this socket is: at connect and after each accepted `authenticate`. */
  session: (session: Session) => void;
  /** Just before the server disconnects the socket: its token expired without a fresh one, or was revoked. */
  signedOut: (signedOut: SignedOutEvent) => void;
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
  // Additions for edits, reactions and Web Push.
  editMessage: (request: EditMessageInput, ack: (result: EditAck) => void) => void;
  react: (request: ReactInput, ack: (result: ReactAck) => void) => void;
  subscribePush: (request: SubscribePushInput, ack: (result: OkAck) => void) => void;
  unsubscribePush: (request: UnsubscribePushInput, ack: (result: OkAck) => void) => void;
  // Additions for sign-in, private rooms, invites and roles (signed-in mode; open mode answers `invalid`).
  /** A refreshed token for this socket, which stays connected. */
  authenticate: (request: AuthenticateInput, ack: (result: AuthenticateAck) => void) => void;
  /** Creates a private room; its creator is its first member. */
  createRoom: (request: CreateRoomInput, ack: (result: RoomAck) => void) => void;
  listRooms: (request: ListRoomsInput, ack: (result: RoomsAck) => void) => void;
  createInvite: (request: CreateInviteInput, ack: (result: InviteAck) => void) => void;
  listInvites: (request: RoomRefInput, ack: (result: InvitesAck) => void) => void;
  revokeInvite: (request: RevokeInviteInput, ack: (result: OkAck) => void) => void;
  /** Becomes a member of the invite's private room. */
  acceptInvite: (request: AcceptInviteInput, ack: (result: RoomAck) => void) => void;
  listMembers: (request: RoomRefInput, ack: (result: MembersAck) => void) => void;
  removeMember: (request: RemoveMemberInput, ack: (result: OkAck) => void) => void;
}

export const SOCKET_PATH = '/socket.io';
