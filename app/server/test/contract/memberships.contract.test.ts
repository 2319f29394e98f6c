import type { InviteRecord, Memberships } from '../../src/ports';
import { ADAPTERS, AdapterBackend } from './adapters';

const at = (offsetSeconds = 0) => new Date(Date.now() + offsetSeconds * 1000).toISOString();
const ann = { id: 'uAnn', name: 'Ann' };
const bob = { id: 'uBob', name: 'Bob' };
const IN_AN_HOUR = at(3600);
const invite = (extra: Partial<InviteRecord> = {}): InviteRecord => ({
  id: 'inv1',
  room: 'plans',
  expiresAt: IN_AN_HOUR,
  singleUse: false,
  createdBy: 'Ann',
  ...extra,
});

/** The Memberships port, which every server shares: SQLite (embedded) and the history table on DynamoDB (moto). */
describe.each(ADAPTERS)('Memberships contract: %s', (kind) => {
  const backend = new AdapterBackend(kind);
  let m: Memberships;
  let connect: () => Memberships;
  beforeAll(() => backend.setup(), 60_000);
  afterAll(() => backend.teardown());
  beforeEach(async () => {
    ({ memberships: m, connect } = await backend.memberships());
  });

  test('a room is public until created private; its creator is its first member; a name is created once', async () => {
    expect(await m.privateRoom('plans')).toBeUndefined();
    const room = { room: 'plans', createdBy: ann.id, createdAt: at() };
    expect(await m.createRoom(room, ann)).toBe(true);
    expect(await m.privateRoom('plans')).toEqual(room);
    expect(await m.isMember('plans', ann.id)).toBe(true);
    expect(await m.isMember('plans', bob.id)).toBe(false);
    // Another server, the same name: refused, and the first creator keeps it alone.
    expect(await connect().createRoom({ room: 'plans', createdBy: bob.id, createdAt: at() }, bob)).toBe(false);
    expect(await m.members('plans', 10)).toEqual([ann]);
    expect(await m.privateRooms(10)).toEqual([room]);
  });

  test('members are added once, listed by name, found by user, and removed', async () => {
    await m.createRoom({ room: 'plans', createdBy: ann.id, createdAt: at() }, ann);
    await m.createRoom({ room: 'alpha', createdBy: bob.id, createdAt: at() }, bob);
    await m.addMember('plans', bob);
    await m.addMember('plans', { ...bob, name: 'Bobby' });
    expect(await m.members('plans', 10)).toEqual([ann, { id: bob.id, name: 'Bobby' }]);
    expect(await m.members('plans', 1)).toEqual([ann]);
    expect(await m.roomsOf(bob.id, 10)).toEqual(['alpha', 'plans']);
    expect(await m.removeMember('plans', bob.id)).toBe(true);
    expect(await m.removeMember('plans', bob.id)).toBe(false);
    expect(await m.isMember('plans', bob.id)).toBe(false);
    expect(await m.members('plans', 10)).toEqual([ann]);
    expect(await m.roomsOf(bob.id, 10)).toEqual(['alpha']);
    // Invited back, a member again.
    await m.addMember('plans', bob);
    expect(await connect().isMember('plans', bob.id)).toBe(true);
    expect(await m.roomsOf(bob.id, 10)).toEqual(['alpha', 'plans']);
  });

  test('an invite admits until it expires or is revoked; a reusable one admits many', async () => {
    await m.createInvite(invite());
    expect(await m.invite('plans', 'inv1')).toEqual(invite());
    expect(await m.invite('other', 'inv1')).toBeUndefined();
    expect(await m.useInvite('plans', 'inv1', at())).toEqual({ ok: true });
    expect(await m.useInvite('plans', 'inv1', at())).toEqual({ ok: true });
    expect(await m.useInvite('plans', 'inv1', at(7200))).toEqual({ ok: false, reason: 'expired' });
    expect(await m.useInvite('plans', 'nope', at())).toEqual({ ok: false, reason: 'unknown' });
    const revokedAt = at();
    await m.revokeInvite('plans', 'inv1', revokedAt);
    await m.revokeInvite('plans', 'inv1', at(5));
    await m.revokeInvite('plans', 'unknown', at());
    expect(await connect().useInvite('plans', 'inv1', at())).toEqual({ ok: false, reason: 'revoked' });
    expect(await m.invites('plans')).toEqual([invite({ revokedAt })]);
  });

  test('a single-use invite admits one person, even when two servers race for it', async () => {
    await m.createInvite(invite({ id: 'once', singleUse: true }));
    const other = connect();
    const results = await Promise.all([m.useInvite('plans', 'once', at()), other.useInvite('plans', 'once', at())]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.find((r) => !r.ok)).toEqual({ ok: false, reason: 'used' });
    expect(await m.useInvite('plans', 'once', at())).toEqual({ ok: false, reason: 'used' });
    expect((await m.invite('plans', 'once'))?.usedAt).toBeDefined();
  });

  test('invites are listed per room, soonest expiry first', async () => {
    await m.createInvite(invite({ id: 'late', expiresAt: at(7200) }));
    await m.createInvite(invite({ id: 'soon', expiresAt: at(600) }));
    await m.createInvite(invite({ id: 'elsewhere', room: 'other' }));
    expect((await m.invites('plans')).map((i) => i.id)).toEqual(['soon', 'late']);
  });

  test('the signing secret is made once and is the same on every server', async () => {
    const [a, b] = await Promise.all([m.signingSecret(), connect().signingSecret()]);
    expect(a.length).toBeGreaterThanOrEqual(32);
    expect(b.equals(a)).toBe(true);
    expect((await m.signingSecret()).equals(a)).toBe(true);
  });
});
