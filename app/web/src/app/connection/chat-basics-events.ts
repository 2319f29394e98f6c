/**
 * The issue-12 additions to the protocol, as agreed in the team brief, until `@chat/protocol` exports them.
 * Types only: nothing here reaches the bundle.
 */
import type { ErrorBody } from '@chat/protocol';

export interface PresenceMember {
  clientId: string;
  author: string;
}
export interface PresenceEvent {
  room: string;
  members: PresenceMember[];
  count: number;
}
export type PresenceAck = ({ ok: true } & PresenceEvent) | { ok: false; error: ErrorBody };
export interface TypingEvent {
  room: string;
  clientId: string;
  author: string;
  typing: boolean;
}
export interface MessageDeletedEvent {
  room: string;
  seq: string;
  id: string;
  deletedAt: string;
}
export type DeleteAck = { ok: true; room: string; seq: string } | { ok: false; error: { code: string; message: string } };
export type IdentifyAck = { ok: true } | { ok: false; error: ErrorBody };
