import { Injectable, inject } from '@angular/core';
import { HISTORY_LIMIT_DEFAULT, readChatMessage, type ChatMessage, type HistoryResponse } from '@chat/protocol';
import { FETCH } from '../config/fetch';
import { errorMessage } from '../config/http-error';
import { ChatSocket } from '../connection/chat-socket';
import { RuntimeConfig } from '../config/runtime-config';

@Injectable({ providedIn: 'root' })
export class HistoryClient {
  private readonly fetch = inject(FETCH);
  private readonly config = inject(RuntimeConfig);
  private readonly socket = inject(ChatSocket);

  /** One page, oldest → newest: the newest page without `before`, the one before `before` with it. */
  async page(room: string, opts: { before?: string; limit?: number } = {}): Promise<HistoryResponse> {
    const query = new URLSearchParams({ room, limit: String(opts.limit ?? HISTORY_LIMIT_DEFAULT) });
    if (opts.before) query.set('before', opts.before);
    // Which reactions are this browser's own (signed in, the server takes the token's identity instead).
    query.set('clientId', this.socket.clientId);
    const res = await this.fetch(this.config.resolve(`/history?${query}`), { cache: 'no-store' });
    if (!res.ok) throw new Error(await errorMessage(res, 'History could not be loaded'));
    const body = (await res.json()) as { messages?: unknown; nextBefore?: unknown };
    const messages: ChatMessage[] = [];
    for (const m of Array.isArray(body.messages) ? body.messages : []) {
      const message = readChatMessage(m);
      if (message) messages.push(message);
    }
    return { messages, nextBefore: typeof body.nextBefore === 'string' ? body.nextBefore : null };
  }
}
