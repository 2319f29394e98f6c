import { Injectable, inject } from '@angular/core';
import { TYPING_THROTTLE_MS } from '@chat/protocol';
import { ChatSocket } from '../connection/chat-socket';

/**
 * Tells the room this person is typing, throttled: `typing: true` at the first keystroke and then at most
 * every TYPING_THROTTLE_MS; `typing: false` once the box is emptied, the message is sent, the box loses focus
 * or the room changes.
 */
@Injectable({ providedIn: 'root' })
export class TypingNotifier {
  private readonly socket = inject(ChatSocket);
  private active: { room: string; sentAt: number } | null = null;

  input(room: string, text: string): void {
    if (text.trim() === '') return this.stop();
    if (this.active && this.active.room !== room) this.stop();
    const now = Date.now();
    if (this.active && now - this.active.sentAt < TYPING_THROTTLE_MS) return;
    this.active = { room, sentAt: now };
    this.socket.typing(room, true);
  }

  stop(): void {
    if (!this.active) return;
    this.socket.typing(this.active.room, false);
    this.active = null;
  }
}
