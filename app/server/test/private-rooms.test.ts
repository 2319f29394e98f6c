import { startOidcProvider, type OidcProvider } from '@chat/local-aws';
import type { ChatMessage, Invite } from '@chat/protocol';
import type { RunningServer } from '../src';
import { TestBackend, type Mode } from './support/backends';
import type { ChatClient } from './support/chat-client';
import { eventually } from './support/eventually';
import { PNG_1X1 } from './support/images';
import { bearer, signedIn, signedInEnv } from './support/signed-in';
import { upload, uploadUrl } from './support/uploads';

/**
 * Private rooms, invites and roles on a signed-in server, in both modes (SQLite; DynamoDB on moto): a stranger can
 * neither join, read, post to, upload to nor receive from a private room; invites admit, expire, are revoked and
 * used up; an admin manages members; a moderator deletes anyone's message, others only their own.
 */
describe.each<Mode>(['embedded', 'moto'])('private rooms: %s', (mode) => {
  const backend = new TestBackend(mode);
  let provider: OidcProvider;
  let server: RunningServer;
  const people: Record<string, { client: ChatClient; token: string; id: string }> = {};

  const as = async (username: string) => {
    const token = await provider.mint(provider.user(username), { expiresIn: 3600 });
    const { client, session } = await signedIn(server.url, token);
    return (people[username] = { client, token, id: session.user.id });
  };
  const ask = <T = { ok: boolean; error?: { code: string; message: string } }>(who: string, event: string, payload: unknown): Promise<T> =>
    people[who]!.client.socket.emitWithAck(event as 'createRoom', payload as never) as Promise<T>;
  const refusal = (code: string) => ({ ok: false, error: expect.objectContaining({ code }) });
  const history = (who: string, room: string) => fetch(`${server.url}/history?room=${room}`, bearer(people[who]!.token));

  beforeAll(async () => {
    provider = await startOidcProvider();
    await backend.setup();
    server = await backend.start(await backend.env(signedInEnv(provider)));
    for (const u of ['alice', 'bob', 'carol', 'dave', 'erin', 'mallory']) await as(u);
  }, 120_000);
  afterAll(async () => {
    for (const p of Object.values(people)) p.client.close();
    await backend.teardown();
    await provider.stop();
  });

  test('a private room keeps strangers out of every route and event, even one already in it', async () => {
    // Mallory was in the room while it was still nobody's.
    expect(await people['mallory']!.client.join('plans')).toMatchObject({ ok: true });
    expect(await ask('carol', 'createRoom', { room: 'plans' })).toEqual({ ok: true, room: 'plans', visibility: 'private', memberCount: 1 });
    expect(await ask('dave', 'createRoom', { room: 'plans' })).toEqual(refusal('invalid'));
    expect(await ask('dave', 'createRoom', { room: 'global' })).toEqual(refusal('invalid'));
    expect(await people['carol']!.client.join('plans')).toMatchObject({ ok: true });
    expect(await people['carol']!.client.send({ id: 'secret1', room: 'plans', author: 'x', text: 'the plan' })).toMatchObject({ ok: true });
    await people['carol']!.client.waitFor((r) => r.some((m) => m.id === 'secret1'));

    for (const stranger of ['mallory', 'dave']) {
      const s = people[stranger]!;
      expect(await s.client.join('plans')).toEqual(refusal('forbidden'));
      expect(await s.client.send({ id: `in-${stranger}`, room: 'plans', author: 'x', text: 'let me in' })).toEqual(refusal('forbidden'));
      expect(await ask(stranger, 'getPresence', 'plans')).toMatchObject({ ok: false });
      expect(await ask(stranger, 'typing', { room: 'plans', typing: true })).toMatchObject({ ok: false });
      expect((await history(stranger, 'plans')).status).toBe(403);
      expect((await uploadUrl(server.url, 'filename=a.png&contentType=image/png&size=10&room=plans', bearer(s.token).headers)).status).toBe(
        403,
      );
      expect(await ask(stranger, 'createInvite', { room: 'plans' })).toEqual(refusal('forbidden'));
      expect(await ask(stranger, 'listMembers', { room: 'plans' })).toEqual(refusal('forbidden'));
      expect(s.client.received.some((m) => m.room === 'plans')).toBe(false);
    }
    // A room with history is someone's already: it cannot be taken private.
    expect(await people['dave']!.client.send({ id: 'pub1', room: 'lobby', author: 'x', text: 'hi' })).toMatchObject({ ok: true });
    expect(await ask('erin', 'createRoom', { room: 'lobby' })).toEqual(refusal('invalid'));
  });

  test('an invite admits; a forged, revoked or used-up one admits nobody', async () => {
    const made = await ask<{ ok: true; invite: Invite }>('carol', 'createInvite', { room: 'plans' });
    expect(made).toMatchObject({ ok: true, invite: { room: 'plans', singleUse: false, createdBy: 'Carol' } });
    const { token, id } = made.invite;
    const forged = token.slice(0, -2) + (token.endsWith('AA') ? 'BB' : 'AA');
    expect(await ask('dave', 'acceptInvite', { token: forged })).toEqual(refusal('not_found'));
    expect(await ask('dave', 'acceptInvite', { token: token.replace('plans.', 'other.') })).toEqual(refusal('not_found'));
    expect(await ask('dave', 'acceptInvite', { token })).toEqual({ ok: true, room: 'plans', visibility: 'private' });
    expect(await people['dave']!.client.join('plans')).toMatchObject({ ok: true });
    expect((await history('dave', 'plans')).status).toBe(200);
    expect(await ask('carol', 'listInvites', { room: 'plans' })).toMatchObject({ ok: true, invites: [expect.objectContaining({ id })] });

    expect(await ask('dave', 'revokeInvite', { room: 'plans', id })).toEqual({ ok: true });
    expect(await ask('erin', 'acceptInvite', { token })).toEqual({
      ok: false,
      error: { code: 'not_found', message: 'this invite was revoked' },
    });
    expect(await ask('carol', 'listInvites', { room: 'plans' })).toEqual({ ok: true, room: 'plans', invites: [] });

    const once = await ask<{ ok: true; invite: Invite }>('carol', 'createInvite', { room: 'plans', singleUse: true, expiresInSeconds: 60 });
    expect(once.invite.singleUse).toBe(true);
    expect(Date.parse(once.invite.expiresAt) - Date.now()).toBeLessThanOrEqual(60_000);
    expect(await ask('erin', 'acceptInvite', { token: once.invite.token })).toMatchObject({ ok: true });
    expect(await ask('mallory', 'acceptInvite', { token: once.invite.token })).toEqual({
      ok: false,
      error: { code: 'not_found', message: 'this invite was already used' },
    });
    const members = await ask<{ ok: true; members: { name: string }[] }>('dave', 'listMembers', { room: 'plans' });
    expect(members.members.map((m) => m.name)).toEqual(['Carol', 'dave', 'erin.e']);
  });

  test('members receive; an admin removes one, who stops receiving at once; a member may leave; others may not remove', async () => {
    await people['erin']!.client.join('plans');
    expect(await ask('dave', 'removeMember', { room: 'plans', userId: people['erin']!.id })).toEqual(refusal('forbidden'));
    expect(await ask('alice', 'removeMember', { room: 'plans', userId: people['erin']!.id })).toEqual({ ok: true });
    expect(await ask('alice', 'removeMember', { room: 'plans', userId: people['erin']!.id })).toEqual(refusal('not_found'));
    await people['carol']!.client.send({ id: 'after-removal', room: 'plans', author: 'x', text: 'erin is gone' });
    await people['dave']!.client.waitFor((r) => r.some((m) => m.id === 'after-removal'));
    expect(people['erin']!.client.received.some((m) => m.id === 'after-removal')).toBe(false);
    expect(await people['erin']!.client.join('plans')).toEqual(refusal('forbidden'));
    // Mallory never was a member; dave leaves by himself.
    expect(await ask('mallory', 'removeMember', { room: 'plans', userId: people['mallory']!.id })).toEqual(refusal('forbidden'));
    expect(await ask('dave', 'removeMember', { room: 'plans', userId: people['dave']!.id })).toEqual({ ok: true });
    expect((await history('dave', 'plans')).status).toBe(403);

    const rooms = await ask<{ ok: true; rooms: { room: string; visibility: string }[] }>('carol', 'listRooms', {});
    expect(rooms.rooms).toEqual(
      expect.arrayContaining([
        { room: 'plans', visibility: 'private' },
        { room: 'global', visibility: 'public' },
      ]),
    );
    expect(await ask('carol', 'listRooms', { scope: 'all' })).toEqual(refusal('forbidden'));
    expect(await ask('alice', 'listRooms', { scope: 'all' })).toMatchObject({
      ok: true,
      rooms: expect.arrayContaining([{ room: 'plans', visibility: 'private' }]),
    });
  });

  test("a private room's images are served to signed links only, which only its readers get", async () => {
    const carol = people['carol']!;
    const target = await uploadUrl(
      server.url,
      'filename=a.png&contentType=image/png&size=' + PNG_1X1.length + '&room=plans',
      bearer(carol.token).headers,
    );
    expect(target.status).toBe(200);
    expect((await upload(server.url, target.body, PNG_1X1, 'image/png', `Bearer ${carol.token}`)).status).toBeLessThan(300);
    expect(await carol.client.send({ id: 'img1', room: 'plans', author: 'x', image: { key: target.body.key } })).toMatchObject({
      ok: true,
    });
    await carol.client.waitFor((r) => r.some((m) => m.id === 'img1'));
    const imageUrl = carol.client.received.find((m: ChatMessage) => m.id === 'img1')!.imageUrl!;
    expect(imageUrl).toMatch(/\?exp=[0-9]+&sig=[A-Za-z0-9_-]+$/);
    const url = new URL(imageUrl, server.url);
    expect((await fetch(url)).status).toBe(200);
    expect((await fetch(`${url.origin}${url.pathname}`)).status).toBe(403);
    const tampered = new URL(url);
    tampered.searchParams.set('exp', String(Number(url.searchParams.get('exp')) + 3600));
    expect((await fetch(tampered)).status).toBe(403);
    expect(people['mallory']!.client.received.some((m) => m.id === 'img1')).toBe(false);
  });

  test('deletes by identity: the author without a key, a moderator anyone; nobody else', async () => {
    const send = async (who: string, id: string) => {
      expect(await people[who]!.client.send({ id, room: 'mod', author: 'x', text: id })).toMatchObject({ ok: true });
      await people[who]!.client.join('mod');
      let seq = '';
      await eventually(
        async () => {
          const page = (await (await history(who, 'mod')).json()) as { messages: ChatMessage[] };
          seq = page.messages.find((m) => m.id === id)?.seq ?? '';
          return seq !== '';
        },
        10_000,
        `${id} in history`,
      );
      return seq;
    };
    const mine = await send('dave', 'dave-own');
    const theirs = await send('carol', 'carol-own');
    expect(await ask('dave', 'deleteMessage', { room: 'mod', seq: theirs })).toEqual(refusal('forbidden'));
    expect(await ask('dave', 'deleteMessage', { room: 'mod', seq: mine })).toMatchObject({ ok: true });
    expect(await ask('bob', 'deleteMessage', { room: 'mod', seq: theirs })).toMatchObject({ ok: true });
    const page = (await (await history('carol', 'mod')).json()) as { messages: ChatMessage[] };
    expect(page.messages.every((m) => m.deletedAt !== undefined)).toBe(true);
  });
});
