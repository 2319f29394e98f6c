import { TestBed } from '@angular/core/testing';
import type { SessionUser } from '@chat/protocol';
import { ActiveRoom } from '../rooms/active-room';
import { RoomListStore } from '../rooms/room-list-store';
import { RoomUrl } from '../rooms/room-url';
import { AuthSession } from '../session/auth-session';
import { FakeChatSocket, provideFakeSocket } from '../testing/fake-chat-socket';
import { RoomsPanel } from './rooms-panel';

const CAROL: SessionUser = { id: 'u-carol', name: 'Carol', roles: [] };
const ALICE: SessionUser = { id: 'u-alice', name: 'Alice Admin', roles: ['admin', 'moderator'] };
const INVITE = { id: 'inv1', room: 'team', expiresAt: '2026-02-01T00:00:00.000Z', singleUse: true, createdBy: 'Carol' };

/** A server with one public and one private room (team: Carol and Dave), as far as these events go. */
function server(socket: FakeChatSocket) {
  let members = [
    { id: 'u-carol', name: 'Carol' },
    { id: 'u-dave', name: 'Dave' },
  ];
  let invites = [INVITE];
  socket.handlers.set('listRooms', (b) =>
    (b as { scope: string }).scope === 'all'
      ? {
          ok: true,
          rooms: [
            { room: 'global', visibility: 'public' },
            { room: 'secret', visibility: 'private', memberCount: 1 },
            { room: 'team', visibility: 'private', memberCount: members.length },
          ],
        }
      : {
          ok: true,
          rooms: [
            { room: 'global', visibility: 'public' },
            { room: 'team', visibility: 'private', memberCount: members.length },
          ],
        },
  );
  socket.handlers.set('listMembers', () => ({ ok: true, room: 'team', members }));
  socket.handlers.set('listInvites', () => ({ ok: true, room: 'team', invites }));
  socket.handlers.set('createInvite', () => ({ ok: true, invite: { ...INVITE, id: 'inv2', token: 'aW52aXRl.dG9rZW4' } }));
  socket.handlers.set('revokeInvite', (b) => {
    invites = invites.filter((i) => i.id !== (b as { id: string }).id);
    return { ok: true };
  });
  socket.handlers.set('removeMember', (b) => {
    members = members.filter((m) => m.id !== (b as { userId: string }).userId);
    return { ok: true };
  });
  socket.handlers.set('createRoom', (b) => {
    const room = (b as { room: string }).room;
    return room === 'global'
      ? { ok: false, error: { code: 'invalid', message: 'room: global already exists' } }
      : { ok: true, room, visibility: 'private', memberCount: 1 };
  });
}

async function render(user: SessionUser, room = 'team') {
  localStorage.clear();
  history.replaceState(null, '', `/r/${room}`);
  const socket = new FakeChatSocket();
  server(socket);
  TestBed.configureTestingModule({ providers: [provideFakeSocket(socket)] });
  TestBed.inject(AuthSession).user.set(user);
  TestBed.inject(ActiveRoom).set(room);
  const fixture = TestBed.createComponent(RoomsPanel);
  const el = fixture.nativeElement as HTMLElement;
  // The panel's reads follow one another (rooms, then the open room's members): two rounds.
  const settle = async () => {
    for (let i = 0; i < 2; i++) {
      await new Promise((r) => setTimeout(r, 0));
      await fixture.whenStable();
    }
  };
  await settle();
  const button = (name: string) => [...el.querySelectorAll('button')].find((b) => b.textContent.trim() === name)!;
  return { socket, fixture, el, settle, button };
}

describe('RoomsPanel', () => {
  it("lists one's rooms, and for the open private room its members and invites", async () => {
    const { el } = await render(CAROL);
    expect([...el.querySelectorAll('.rooms-list a')].map((a) => a.textContent)).toEqual(['#global', '#team']);
    expect(el.textContent).toContain('private, 2 members');
    expect(el.textContent).toContain('Members of #team');
    expect([...el.querySelectorAll('.rooms-list bdi')].map((b) => b.textContent)).toEqual(['Carol', 'Dave', 'Carol']);
    // Carol may leave; she is no admin, so she cannot remove Dave.
    expect([...el.querySelectorAll('.rooms-list button')].map((b) => b.textContent.trim())).toEqual(['Leave', 'Revoke']);
  });

  it('creates an invite link (for how long, for one person), shows it once, and revokes invites', async () => {
    const { el, socket, settle, button } = await render(CAROL);
    const lifetime = el.querySelector<HTMLSelectElement>('#invite-lifetime')!;
    lifetime.value = '86400';
    lifetime.dispatchEvent(new Event('change'));
    const once = el.querySelector<HTMLInputElement>('.invite-form input[type=checkbox]')!;
    once.checked = true;
    once.dispatchEvent(new Event('change'));
    button('Create invite link').click();
    await settle();
    expect(socket.requests.find((r) => r.event === 'createInvite')!.body).toEqual({
      room: 'team',
      expiresInSeconds: 86400,
      singleUse: true,
    });
    expect(el.querySelector<HTMLInputElement>('#invite-url')!.value).toBe(`${location.origin}/#/invite/aW52aXRl.dG9rZW4`);
    button('Revoke').click();
    await settle();
    expect(socket.requests.find((r) => r.event === 'revokeInvite')!.body).toEqual({ room: 'team', id: 'inv1' });
    expect(el.querySelector('[role=status]')!.textContent).toBe('The link admits nobody any more.');
    expect(el.textContent).not.toContain('Revoke');
  });

  it('creates a private room and opens it; a refused name says why', async () => {
    const { el, socket, settle, button } = await render(CAROL, 'global');
    const name = el.querySelector<HTMLInputElement>('#new-room')!;
    name.value = '#Global';
    name.dispatchEvent(new Event('input'));
    button('Create').click();
    await settle();
    expect(el.querySelector('[role=alert]')!.textContent).toBe('room: global already exists');
    name.value = 'Plans 2027';
    name.dispatchEvent(new Event('input'));
    button('Create').click();
    await settle();
    expect(socket.requests.filter((r) => r.event === 'createRoom').map((r) => r.body)).toEqual([
      { room: 'global' },
      { room: 'plans-2027' },
    ]);
    expect(TestBed.inject(RoomUrl).room()).toBe('plans-2027');
    expect(TestBed.inject(RoomListStore).rooms()).toContain('plans-2027');
    expect(el.querySelector('[role=status]')!.textContent).toMatch(/Created the private room #plans-2027/);
  });

  it('an admin sees every room and removes members', async () => {
    const { el, socket, settle, button } = await render(ALICE);
    button('Show every room').click();
    await settle();
    expect([...el.querySelectorAll('.rooms-list a')].map((a) => a.textContent)).toEqual(['#global', '#secret', '#team']);
    el.querySelector<HTMLButtonElement>('[aria-label="Remove Dave"]')!.click();
    await settle();
    expect(socket.requests.find((r) => r.event === 'removeMember')!.body).toEqual({ room: 'team', userId: 'u-dave' });
    expect(el.querySelector('[role=status]')!.textContent).toBe('Removed Dave from #team.');
  });

  it('a refusal from the server is shown as it is meant (forbidden: not allowed)', async () => {
    const { el, socket, settle, button } = await render(CAROL);
    socket.handlers.set('createInvite', () => ({ ok: false, error: { code: 'forbidden', message: 'not a member of team' } }));
    button('Create invite link').click();
    await settle();
    expect(el.querySelector('[role=alert]')!.textContent).toBe('Not allowed: not a member of team');
  });
});
