import { z } from 'zod';
import type { ClientToServerEvents, ServerToClientEvents } from './events';
import {
  acceptInviteSchema,
  authenticateAckSchema,
  authenticateSchema,
  createInviteSchema,
  createRoomSchema,
  inviteAckSchema,
  invitesAckSchema,
  listRoomsSchema,
  membersAckSchema,
  removeMemberSchema,
  revokeInviteSchema,
  roomAckSchema,
  roomRefSchema,
  roomsAckSchema,
  sessionSchema,
  signedOutEventSchema,
  chatMessageSchema,
  deleteAckSchema,
  deleteMessageSchema,
  editAckSchema,
  editMessageSchema,
  messageEditedEventSchema,
  reactAckSchema,
  reactSchema,
  reactionsEventSchema,
  subscribePushSchema,
  unsubscribePushSchema,
  identifySchema,
  joinAckSchema,
  messageDeletedEventSchema,
  okAckSchema,
  presenceAckSchema,
  presenceEventSchema,
  roomSchema,
  sendAckSchema,
  sendMessageSchema,
  textSchema,
  typingEventSchema,
  typingInputSchema,
} from './schemas';

/**
 * The zod schemas of every Socket.IO event, keyed as the event maps: a client → server event's payload (its
 * input: what a client may send) and ack; a server → client event's payload. The compiler holds this table to
 * the event maps (names and types, below) and asyncapi.test.ts holds docs/asyncapi.yaml to it, so the three
 * cannot drift apart.
 */
export const clientEventSchemas = {
  /** A bare string is the seed's form: text from `anonymous` in `global`. */
  sendMessage: { payload: z.union([sendMessageSchema, textSchema]), ack: sendAckSchema },
  join: { payload: roomSchema, ack: joinAckSchema },
  leave: { payload: roomSchema, ack: joinAckSchema },
  identify: { payload: identifySchema, ack: okAckSchema },
  getPresence: { payload: roomSchema, ack: presenceAckSchema },
  typing: { payload: typingInputSchema, ack: okAckSchema },
  deleteMessage: { payload: deleteMessageSchema, ack: deleteAckSchema },
  editMessage: { payload: editMessageSchema, ack: editAckSchema },
  react: { payload: reactSchema, ack: reactAckSchema },
  subscribePush: { payload: subscribePushSchema, ack: okAckSchema },
  unsubscribePush: { payload: unsubscribePushSchema, ack: okAckSchema },
  authenticate: { payload: authenticateSchema, ack: authenticateAckSchema },
  createRoom: { payload: createRoomSchema, ack: roomAckSchema },
  listRooms: { payload: listRoomsSchema, ack: roomsAckSchema },
  createInvite: { payload: createInviteSchema, ack: inviteAckSchema },
  listInvites: { payload: roomRefSchema, ack: invitesAckSchema },
  revokeInvite: { payload: revokeInviteSchema, ack: okAckSchema },
  acceptInvite: { payload: acceptInviteSchema, ack: roomAckSchema },
  listMembers: { payload: roomRefSchema, ack: membersAckSchema },
  removeMember: { payload: removeMemberSchema, ack: okAckSchema },
} satisfies { [E in keyof ClientToServerEvents]: { payload: z.ZodType; ack?: z.ZodType } };

export const serverEventSchemas = {
  newMessage: chatMessageSchema,
  presence: presenceEventSchema,
  typing: typingEventSchema,
  messageDeleted: messageDeletedEventSchema,
  messageEdited: messageEditedEventSchema,
  reactions: reactionsEventSchema,
  session: sessionSchema,
  signedOut: signedOutEventSchema,
} satisfies { [E in keyof ServerToClientEvents]: z.ZodType };

// ---- Compile-time checks: each schema's type is exactly its event's parameter type. ----

type Exactly<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
/** The type an event's ack callback receives; `never` for an event without an ack. */
type AckResult<F> = F extends (payload: never, ack: infer Ack) => void
  ? NonNullable<Ack> extends (result: infer R) => void
    ? R
    : never
  : never;
type ClientSchemas = typeof clientEventSchemas;
type AckSchemaResult<E extends keyof ClientSchemas> = ClientSchemas[E] extends { ack: z.ZodType }
  ? z.output<ClientSchemas[E]['ack']>
  : never;

/** Names of the client → server events whose payload or ack schema does not have the event map's type. */
type ClientMismatch = {
  [E in keyof ClientToServerEvents]: Exactly<z.input<ClientSchemas[E]['payload']>, Parameters<ClientToServerEvents[E]>[0]> extends true
    ? Exactly<AckSchemaResult<E>, AckResult<ClientToServerEvents[E]>> extends true
      ? never
      : E
    : E;
}[keyof ClientToServerEvents];
/** Names of the server → client events whose payload schema does not have the event map's type. */
type ServerMismatch = {
  [E in keyof ServerToClientEvents]: Exactly<z.output<(typeof serverEventSchemas)[E]>, Parameters<ServerToClientEvents[E]>[0]> extends true
    ? never
    : E;
}[keyof ServerToClientEvents];

type Differs = "this event's schema does not have the event map's type";
// A type error here ("missing the following properties") names the events whose schema and event-map type differ.
const clientSchemasMatchEventMap: Record<ClientMismatch, Differs> = {};
const serverSchemasMatchEventMap: Record<ServerMismatch, Differs> = {};
void clientSchemasMatchEventMap;
void serverSchemasMatchEventMap;
