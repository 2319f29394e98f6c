import type { ErrorBody } from '@chat/protocol';
import type { Memberships } from '../ports';
import { withTimeout } from '../util/timeout';

/** Whoever asks to use a room, when the chat is signed in. */
export interface Person {
  id: string;
  name: string;
  roles: readonly string[];
}

/**
 * Who may use a room: anyone signed in for a public one, members only for a private one. One check for every
 * route and event that reads, posts to or listens to a room, so none of them can forget it.
 */
export class RoomAccess {
  constructor(
    private readonly memberships: Memberships,
    private readonly timeoutMs: number,
  ) {}

  /** Undefined when `person` may use `room`; else the refusal (`forbidden`), which names no one else. */
  async refusal(room: string, person: Person): Promise<ErrorBody | undefined> {
    const isPrivate = await withTimeout(this.memberships.privateRoom(room), this.timeoutMs, 'memberships');
    if (!isPrivate) return undefined;
    if (await withTimeout(this.memberships.isMember(room, person.id), this.timeoutMs, 'memberships')) return undefined;
    return { code: 'forbidden', message: `#${room} is private: only its members may use it (ask one for an invite link)` };
  }
}
