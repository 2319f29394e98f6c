import { Injectable, inject } from '@angular/core';
import type { ClientToServerEvents, ErrorBody } from '@chat/protocol';
import { ChatSocket, type AckOf } from '../connection/chat-socket';

/** An answer's success, or the reason to show. */
export type Answer<T> = { ok: true; value: T } | { ok: false; error: string };

/** The private rooms' events (signed-in mode), each answer turned into a value or a sentence for the person. */
@Injectable({ providedIn: 'root' })
export class RoomsApi {
  private readonly socket = inject(ChatSocket);

  async call<E extends keyof ClientToServerEvents, T>(
    event: E,
    body: Parameters<ClientToServerEvents[E]>[0],
    pick: (ack: Extract<AckOf<E>, { ok: true }>) => T,
  ): Promise<Answer<T>> {
    const ack = await this.socket.request(event, body);
    return ack.ok ? { ok: true, value: pick(ack as Extract<AckOf<E>, { ok: true }>) } : { ok: false, error: reason(ack.error) };
  }
}

function reason(error: ErrorBody): string {
  switch (error.code) {
    case 'forbidden':
      return `Not allowed: ${error.message}`;
    case 'unauthorized':
      return 'Your sign-in has expired: sign in again';
    case 'rate_limited':
      return 'Too many requests: wait a moment, then try again';
    default:
      return error.message || 'The server could not do that';
  }
}
