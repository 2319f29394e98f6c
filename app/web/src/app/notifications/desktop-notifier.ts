import { DOCUMENT, Injectable, inject, signal } from '@angular/core';
import type { ChatMessage } from '@chat/protocol';
import { RoomMessages } from '../messages/room-messages';
import { isDeleted } from '../messages/message-merge';
import { ChatSocket } from '../connection/chat-socket';
import { RoomUrl } from '../rooms/room-url';
import { isolate } from '../shared/bidi';
import { PageVisibility } from '../shared/page-visibility';

const KEY = 'chat.notifications';
export type NotifyState = 'unsupported' | 'off' | 'on' | 'denied';

/**
 * Desktop notifications for others' messages while this tab is in the background, only once the reader
 * opted in (the button asks the browser's permission; nothing is asked unprompted).
 */
@Injectable({ providedIn: 'root' })
export class DesktopNotifier {
  private readonly document = inject(DOCUMENT);
  private readonly url = inject(RoomUrl);
  private readonly messages = inject(RoomMessages);
  private readonly page = inject(PageVisibility);
  readonly state = signal<NotifyState>(initialState());

  constructor() {
    inject(ChatSocket).on('newMessage', (m) => this.onMessage(m));
  }

  async enable(): Promise<void> {
    const api = notificationApi();
    if (!api) return this.state.set('unsupported');
    const permission = api.permission === 'granted' ? 'granted' : await api.requestPermission();
    this.save(permission === 'granted' ? 'on' : permission === 'denied' ? 'denied' : 'off');
  }

  disable(): void {
    this.save('off');
  }

  private save(state: NotifyState): void {
    this.state.set(state);
    try {
      localStorage.setItem(KEY, state === 'on' ? 'on' : 'off');
    } catch {
      /* storage off: this page only */
    }
  }

  private onMessage(m: ChatMessage): void {
    const api = notificationApi();
    if (this.state() !== 'on' || !api || api.permission !== 'granted' || this.page.visible()) return;
    if (!m || isDeleted(m) || this.messages.room(m.room).isOwn(m.id)) return;
    try {
      const n = new api(`${isolate(m.author)} in #${m.room}`, { body: m.text ?? 'sent an image', tag: `chat-${m.room}` });
      n.onclick = () => {
        this.document.defaultView?.focus();
        this.url.go(m.room);
        n.close();
      };
    } catch {
      /* some browsers allow notifications only from a service worker: the unread count still shows */
    }
  }
}

function notificationApi(): typeof Notification | undefined {
  return typeof Notification === 'undefined' ? undefined : Notification;
}

function initialState(): NotifyState {
  const api = notificationApi();
  if (!api) return 'unsupported';
  if (api.permission === 'denied') return 'denied';
  let stored: string | null = null;
  try {
    stored = localStorage.getItem(KEY);
  } catch {
    /* storage off */
  }
  return stored === 'on' && api.permission === 'granted' ? 'on' : 'off';
}
