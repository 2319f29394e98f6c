import type { PushPayload } from '@chat/protocol';
import type { Logger } from '../logger';
import type { PushSubscriptions, PushTarget, SequencedMessage } from '../ports';

/** A push service's answer: delivered (or at least accepted), or the subscription is gone for good (404, 410). */
export type PushOutcome = 'sent' | 'gone';

/** Sends one encrypted push message to one subscription (web-push in production: push/web-push-sender.ts). */
export interface PushSender {
  send(target: PushTarget, payload: string): Promise<PushOutcome>;
}

/** The text a notification shows: enough to know what it is about, never a whole long message. */
const PREVIEW_MAX = 200;

/** Whether `text` mentions `name` as `@name` (case-insensitive), not as the start of a longer word. */
export function mentions(text: string, name: string): boolean {
  const at = `@${name}`.toLocaleLowerCase();
  const lower = text.toLocaleLowerCase();
  for (let i = lower.indexOf(at); i >= 0; i = lower.indexOf(at, i + 1)) {
    const next = lower.slice(i + at.length).match(/^./u)?.[0];
    if (next === undefined || !/[\p{L}\p{N}_]/u.test(next)) return true;
  }
  return false;
}

/**
 * After a message is stored: a Web Push to each subscription of its room that wants it (every message, or those that
 * mention its person), except the author's and those of people with a socket in the room (they see it live), asked
 * once the room's subscriptions are read: asking every server on each message of a room nobody subscribed to would
 * cost a round to all servers per message. So a tab closed within those few milliseconds still gets the push. A subscription the push service answers as gone is removed. Runs beside the broadcast and never delays it.
 */
export class PushNotifier {
  constructor(
    private readonly subscriptions: PushSubscriptions,
    private readonly sender: PushSender,
    /** The people (clientIds) with a socket in the room now, on every server. */
    private readonly present: (room: string) => Promise<Set<string>>,
    private readonly log: Logger,
  ) {}

  async messageStored(m: SequencedMessage): Promise<void> {
    try {
      const subs = await this.subscriptions.forRoom(m.room);
      const wanted = subs
        .map((s) => ({
          s,
          reason:
            s.level === 'all' ? ('all' as const) : m.text !== undefined && mentions(m.text, s.name) ? ('mention' as const) : undefined,
        }))
        .filter((x) => x.reason !== undefined && x.s.name !== m.author);
      if (wanted.length === 0) return;
      const here = await this.present(m.room);
      await Promise.all(
        wanted
          .filter(({ s }) => !here.has(s.person))
          .map(async ({ s, reason }) => {
            const payload: PushPayload = {
              room: m.room,
              seq: m.seq,
              id: m.id,
              author: m.author,
              ...(m.text !== undefined ? { text: [...m.text].slice(0, PREVIEW_MAX).join('') } : {}),
              reason: reason!,
            };
            try {
              if ((await this.sender.send(s, JSON.stringify(payload))) === 'gone') {
                await this.subscriptions.remove(s.endpoint);
                this.log.info({ room: m.room }, 'push subscription gone: removed');
              }
            } catch (err) {
              this.log.warn({ err, room: m.room }, 'push not delivered');
            }
          }),
      );
    } catch (err) {
      this.log.warn({ err, room: m.room, seq: m.seq }, 'push notifications skipped: backend unavailable');
    }
  }
}
