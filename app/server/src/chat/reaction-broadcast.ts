import type { Logger } from '../logger';
import type { MessageReactions, RoomEvents } from '../ports';

/** How long after a toggle a message's counts go out: a burst of toggles is one `reactions` event. */
export const REACTIONS_COALESCE_MS = 150;

/**
 * Sends a message's reaction counts to its room once a burst of toggles settles, read from the store when it goes
 * out (not carried from the toggle): so the last event of a burst has the counts every toggle before it made.
 */
export class ReactionBroadcast {
  private readonly pending = new Map<string, { room: string; seq: string }>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly reactions: MessageReactions,
    private readonly events: Pick<RoomEvents, 'reactions'>,
    private readonly log: Logger,
    private readonly delayMs = REACTIONS_COALESCE_MS,
  ) {}

  changed(room: string, seq: string): void {
    this.pending.set(`${room}\n${seq}`, { room, seq });
    this.timer ??= setTimeout(() => void this.flush(), this.delayMs);
  }

  private async flush(): Promise<void> {
    this.timer = undefined;
    const batch = [...this.pending.values()];
    this.pending.clear();
    await Promise.all(
      batch.map(async ({ room, seq }) => {
        try {
          const summary = (await this.reactions.summaries(room, [seq])).get(seq);
          this.events.reactions({ room, seq, counts: summary?.counts ?? {}, version: summary?.version ?? 0 });
        } catch (err) {
          this.log.warn({ err, room, seq }, 'reaction counts could not be read; the room gets them with the next toggle');
        }
      }),
    );
  }

  close(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.pending.clear();
  }
}
