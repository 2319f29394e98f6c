import { HOSTILE_KINDS, startOidcProvider, type OidcProvider } from '@chat/local-aws';
import type { ChatMessage, Invite } from '@chat/protocol';
import { Cluster } from './support/cluster';
import type { ChatClient } from './support/chat-client';
import { PNG_1X1 } from './support/images';
import { bearer, handshake, signedIn, signedInEnv } from './support/signed-in';
import { upload, uploadUrl } from './support/uploads';

/**
 * Signed-in mode with two servers (moto, Redis, HAProxy): every server refuses the same tokens, and a private room is
 * private on both: made on one server, it keeps a stranger on the other out; an invite made on one admits on the
 * other; a removal on one stops the other's sockets at once; an image link signed by one opens on the other.
 */
describe('signed in across two servers', () => {
  const cluster = new Cluster();
  let provider: OidcProvider;
  const clients: ChatClient[] = [];

  beforeAll(async () => {
    provider = await startOidcProvider();
    await cluster.start({ servers: 2, env: signedInEnv(provider) });
  }, 180_000);
  afterAll(async () => {
    for (const c of clients) c.close();
    await cluster.stop();
    await provider.stop();
  });

  const person = async (server: 0 | 1, username: string) => {
    const token = await provider.mint(provider.user(username), { expiresIn: 3600 });
    const { client, session } = await signedIn(cluster.servers[server]!.url, token);
    clients.push(client);
    const ask = <T = { ok: boolean; error?: { code: string } }>(event: string, payload: unknown) =>
      client.socket.timeout(30_000).emitWithAck(event as 'createRoom', payload as never) as Promise<T>;
    return { client, token, id: session.user.id, ask, url: cluster.servers[server]!.url };
  };

  test('every server refuses a missing or bad token', async () => {
    for (const s of cluster.servers) {
      expect(await handshake(s.url)).toMatchObject({ code: 'unauthorized' });
      expect((await fetch(`${s.url}/history`)).status).toBe(401);
      for (const kind of HOSTILE_KINDS) {
        expect([kind, await handshake(s.url, { token: await provider.hostile(kind, provider.user('dave')) })]).toEqual([
          kind,
          expect.objectContaining({ code: 'unauthorized' }),
        ]);
      }
    }
    // Through the load balancer too.
    expect(await handshake(cluster.lb.url)).toMatchObject({ code: 'unauthorized' });
  }, 120_000);

  test('a private room is private on both servers; invites, removals and image links work across them', async () => {
    const carol = await person(0, 'carol');
    const mallory = await person(1, 'mallory');
    const dave = await person(1, 'dave');
    const alice = await person(1, 'alice');
    // Mallory joined the room on the other server before it became private: she is put out of it there too.
    expect(await mallory.client.join('vault')).toMatchObject({ ok: true });
    expect(await carol.ask('createRoom', { room: 'vault' })).toMatchObject({ ok: true, visibility: 'private' });
    expect(await carol.client.join('vault')).toMatchObject({ ok: true });
    expect((await carol.client.sendUntilAcked({ id: 'v1', room: 'vault', author: 'x', text: 'secret' })).ok).toBe(true);
    await carol.client.waitFor((r) => r.some((m) => m.id === 'v1'), 30_000);

    expect(await mallory.client.join('vault')).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await mallory.client.send({ id: 'm1', room: 'vault', author: 'x', text: 'hi' }, 30_000)).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    expect((await fetch(`${mallory.url}/history?room=vault`, bearer(mallory.token))).status).toBe(403);
    expect(
      (await uploadUrl(mallory.url, 'filename=a.png&contentType=image/png&size=10&room=vault', bearer(mallory.token).headers)).status,
    ).toBe(403);

    // An invite made on server a admits on server b.
    const made = await carol.ask<{ ok: true; invite: Invite }>('createInvite', { room: 'vault' });
    expect(await dave.ask('acceptInvite', { token: made.invite.token })).toMatchObject({ ok: true, room: 'vault' });
    expect(await dave.client.join('vault')).toMatchObject({ ok: true });
    const page = (await (await fetch(`${dave.url}/history?room=vault`, bearer(dave.token))).json()) as { messages: ChatMessage[] };
    expect(page.messages.map((m) => m.id)).toEqual(['v1']);
    // Revoked on a, refused on b.
    expect(await carol.ask('revokeInvite', { room: 'vault', id: made.invite.id })).toEqual({ ok: true });
    expect(await mallory.ask('acceptInvite', { token: made.invite.token })).toMatchObject({ ok: false, error: { code: 'not_found' } });

    // An image sent on a, its link opened on b.
    const target = await uploadUrl(
      carol.url,
      `filename=a.png&contentType=image/png&size=${PNG_1X1.length}&room=vault`,
      bearer(carol.token).headers,
    );
    expect(target.status).toBe(200);
    expect((await upload(carol.url, target.body, PNG_1X1, 'image/png', `Bearer ${carol.token}`)).status).toBeLessThan(300);
    expect((await carol.client.sendUntilAcked({ id: 'img', room: 'vault', author: 'x', image: { key: target.body.key } })).ok).toBe(true);
    await dave.client.waitFor((r) => r.some((m) => m.id === 'img'), 30_000);
    const link = new URL(dave.client.received.find((m) => m.id === 'img')!.imageUrl!, dave.url);
    const viaOther = new URL(link.pathname + link.search, cluster.servers[1]!.url);
    const opened = await fetch(viaOther, { redirect: 'manual' });
    expect(opened.status === 200 || opened.status === 302).toBe(true);
    expect((await fetch(new URL(link.pathname, cluster.servers[1]!.url), { redirect: 'manual' })).status).toBe(403);

    // The admin on b removes dave (also on b) and carol's next message on a does not reach him; erin, a member on b, gets it.
    const erin = await person(1, 'erin');
    const again = await carol.ask<{ ok: true; invite: Invite }>('createInvite', { room: 'vault', singleUse: true });
    expect(await erin.ask('acceptInvite', { token: again.invite.token })).toMatchObject({ ok: true });
    expect(await erin.client.join('vault')).toMatchObject({ ok: true });
    expect(await alice.ask('removeMember', { room: 'vault', userId: dave.id })).toEqual({ ok: true });
    expect((await carol.client.sendUntilAcked({ id: 'v2', room: 'vault', author: 'x', text: 'dave is out' })).ok).toBe(true);
    await erin.client.waitFor((r) => r.some((m) => m.id === 'v2'), 30_000);
    expect(dave.client.received.some((m) => m.id === 'v2')).toBe(false);
    expect(mallory.client.received.some((m) => m.room === 'vault')).toBe(false);
  }, 180_000);
});
