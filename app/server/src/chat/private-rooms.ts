import { ulid } from 'ulid';
import {
  DEFAULT_ROOM,
  ROOM_MEMBERS_MAX,
  ROOMS_LIST_MAX,
  ROOM_PATTERN,
  type ErrorBody,
  type Invite,
  type InviteSummary,
  type RoomSummary,
} from '@chat/protocol';
import type { InviteRecord, InviteRefusal, Memberships, MessageStore } from '../ports';
import { withTimeout } from '../util/timeout';
import type { Person } from './room-access';
import type { Signer } from './signer';

type Outcome<T> = { ok: true; value: T } | { ok: false; error: ErrorBody };
const fail = (code: ErrorBody['code'], message: string): { ok: false; error: ErrorBody } => ({ ok: false, error: { code, message } });
const ok = <T>(value: T): Outcome<T> => ({ ok: true, value });

const isAdmin = (p: Person) => p.roles.includes('admin');

const REFUSALS: Record<InviteRefusal, string> = {
  unknown: 'this invite is not known',
  expired: 'this invite has expired',
  revoked: 'this invite was revoked',
  used: 'this invite was already used',
};

const summary = (i: InviteRecord): InviteSummary => ({
  id: i.id,
  room: i.room,
  expiresAt: i.expiresAt,
  singleUse: i.singleUse,
  createdBy: i.createdBy,
});

/**
 * Private rooms, their members and their invites: who may create, invite, list and remove. An invite's token is
 * `<room>.<id>.<signature>`: a forged or altered one is refused before the store is asked, and the store's record
 * (expiry, revocation, single use) decides the rest.
 */
export class PrivateRooms {
  constructor(
    private readonly memberships: Memberships,
    private readonly store: Pick<MessageStore, 'head'>,
    private readonly signer: Signer,
    private readonly timeoutMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  private within<T>(p: Promise<T>): Promise<T> {
    return withTimeout(p, this.timeoutMs, 'memberships');
  }

  /** The private room `room` when `person` is its member, or an admin; else why not. */
  private async manageable(room: string, person: Person): Promise<ErrorBody | undefined> {
    if (!(await this.within(this.memberships.privateRoom(room)))) {
      return { code: 'forbidden', message: `#${room} is public: it has no members or invites` };
    }
    if (isAdmin(person) || (await this.within(this.memberships.isMember(room, person.id)))) return undefined;
    return { code: 'forbidden', message: `#${room} is private: only its members may do that` };
  }

  async createRoom(room: string, person: Person): Promise<Outcome<RoomSummary>> {
    if (room === DEFAULT_ROOM) return fail('invalid', `room: #${DEFAULT_ROOM} is everyone's`);
    // A room with history is someone's already: making it private would take it from them.
    if ((await withTimeout(this.store.head(room), this.timeoutMs, 'history')) > 0n) {
      return fail('invalid', `room: #${room} exists already (a public room)`);
    }
    const created = await this.within(
      this.memberships.createRoom(
        { room, createdBy: person.id, createdAt: new Date(this.now()).toISOString() },
        { id: person.id, name: person.name },
      ),
    );
    if (!created) return fail('invalid', `room: #${room} exists already (a private room)`);
    return ok({ room, visibility: 'private', memberCount: 1 });
  }

  /** `mine`: the public rooms in `joined` and the private rooms `person` is a member of; `all` (admins): every private room too. */
  async listRooms(scope: 'mine' | 'all', person: Person, joined: string[]): Promise<Outcome<RoomSummary[]>> {
    if (scope === 'all' && !isAdmin(person)) return fail('forbidden', 'listing every room is for admins');
    const privateRooms = new Set(
      scope === 'all'
        ? (await this.within(this.memberships.privateRooms(ROOMS_LIST_MAX))).map((r) => r.room)
        : await this.within(this.memberships.roomsOf(person.id, ROOMS_LIST_MAX)),
    );
    const rooms = new Map<string, RoomSummary>();
    for (const room of privateRooms) rooms.set(room, { room, visibility: 'private' });
    for (const room of joined) {
      if (!rooms.has(room) && !(await this.within(this.memberships.privateRoom(room)))) rooms.set(room, { room, visibility: 'public' });
    }
    return ok([...rooms.values()].sort((a, b) => (a.room < b.room ? -1 : 1)).slice(0, ROOMS_LIST_MAX));
  }

  async createInvite(request: { room: string; expiresInSeconds: number; singleUse: boolean }, person: Person): Promise<Outcome<Invite>> {
    const refused = await this.manageable(request.room, person);
    if (refused) return { ok: false, error: refused };
    const id = ulid();
    const record: InviteRecord = {
      id,
      room: request.room,
      expiresAt: new Date(this.now() + request.expiresInSeconds * 1000).toISOString(),
      singleUse: request.singleUse,
      createdBy: person.name,
    };
    await this.within(this.memberships.createInvite(record));
    const token = `${request.room}.${id}.${this.signer.sign('invite', `${request.room}.${id}`)}`;
    return ok({ ...summary(record), token });
  }

  /** The room's invites that still admit someone. */
  async listInvites(room: string, person: Person): Promise<Outcome<InviteSummary[]>> {
    const refused = await this.manageable(room, person);
    if (refused) return { ok: false, error: refused };
    const at = this.now();
    const usable = (await this.within(this.memberships.invites(room))).filter(
      (i) => i.revokedAt === undefined && Date.parse(i.expiresAt) > at && !(i.singleUse && i.usedAt !== undefined),
    );
    return ok(usable.map(summary));
  }

  async revokeInvite(room: string, id: string, person: Person): Promise<Outcome<undefined>> {
    const refused = await this.manageable(room, person);
    if (refused) return { ok: false, error: refused };
    await this.within(this.memberships.revokeInvite(room, id, new Date(this.now()).toISOString()));
    return ok(undefined);
  }

  /** Makes `person` a member of the invite's room; already one, the invite is not spent. */
  async acceptInvite(token: string, person: Person): Promise<Outcome<RoomSummary>> {
    const [room, id, signature, ...rest] = token.split('.');
    if (
      rest.length > 0 ||
      !room ||
      !id ||
      !signature ||
      !ROOM_PATTERN.test(room) ||
      !this.signer.verify('invite', `${room}.${id}`, signature)
    ) {
      return fail('not_found', 'this invite link is not valid');
    }
    if (!(await this.within(this.memberships.isMember(room, person.id)))) {
      const used = await this.within(this.memberships.useInvite(room, id, new Date(this.now()).toISOString()));
      if (!used.ok) return fail('not_found', REFUSALS[used.reason]);
      await this.within(this.memberships.addMember(room, { id: person.id, name: person.name }));
    }
    return ok({ room, visibility: 'private' });
  }

  async listMembers(room: string, person: Person): Promise<Outcome<{ id: string; name: string }[]>> {
    const refused = await this.manageable(room, person);
    if (refused) return { ok: false, error: refused };
    return ok(await this.within(this.memberships.members(room, ROOM_MEMBERS_MAX)));
  }

  /** An admin removes anyone; a member removes themself. */
  async removeMember(room: string, userId: string, person: Person): Promise<Outcome<undefined>> {
    if (!isAdmin(person) && userId !== person.id) return fail('forbidden', 'only an admin removes someone else');
    const refused = await this.manageable(room, person);
    if (refused) return { ok: false, error: refused };
    if (!(await this.within(this.memberships.removeMember(room, userId)))) return fail('not_found', 'not a member of this room');
    return ok(undefined);
  }
}
