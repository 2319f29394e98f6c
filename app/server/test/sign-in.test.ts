import { decodeJwt } from 'jose';
import { HOSTILE_KINDS, startOidcProvider, type OidcProvider } from '@chat/local-aws';
import type { HistoryResponse, Session } from '@chat/protocol';
import type { RunningServer } from '../src';
import { TestBackend } from './support/backends';
import { ChatClient } from './support/chat-client';
import { eventually } from './support/eventually';
import { bearer, handshake, signedIn, signedInEnv, signedOut } from './support/signed-in';

/**
 * AUTH_MODE=signed-in against a real OpenID Connect provider on loopback: every refusal of the handshake and the API,
 * the identity from the token (author, authorId, presence), refreshing with `authenticate`, signing out at expiry.
 */
describe('signed-in mode', () => {
  const backend = new TestBackend('embedded');
  let provider: OidcProvider;
  let server: RunningServer;
  const user = (name: string) => provider.user(name);

  beforeAll(async () => {
    provider = await startOidcProvider();
    await backend.setup();
    server = await backend.start(await backend.env(signedInEnv(provider)));
  });
  afterAll(async () => {
    await backend.teardown();
    await provider.stop();
  });

  test('config.json tells the browser to sign in with the issuer; the page may contact it', async () => {
    const res = await fetch(`${server.url}/config.json`);
    expect(((await res.json()) as { auth?: object }).auth).toEqual({
      mode: 'signed-in',
      issuer: provider.issuer,
      clientId: provider.clientId,
      scopes: 'openid profile email',
    });
    expect(res.headers.get('content-security-policy')).toMatch(new RegExp(`connect-src [^;]*${provider.issuer.replace(/[.:/]/g, '\\$&')}`));
    // What needs no token: health, readiness, the page's own files and config.
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
  });

  test('without a token, or with a token wrong in any way, the socket is refused unauthorized and the API 401', async () => {
    expect(await handshake(server.url)).toMatchObject({ code: 'unauthorized', message: /no token/ });
    expect(await handshake(server.url, { author: 'ann', clientId: 'c1' })).toMatchObject({ code: 'unauthorized' });
    const res = await fetch(`${server.url}/history?room=global`);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect((await fetch(`${server.url}/upload-url?filename=a.png&contentType=image/png&size=10`)).status).toBe(401);
    for (const kind of HOSTILE_KINDS) {
      const token = await provider.hostile(kind, user('carol'));
      expect([kind, await handshake(server.url, { token })]).toEqual([kind, expect.objectContaining({ code: 'unauthorized' })]);
      expect([kind, (await fetch(`${server.url}/history`, bearer(token))).status]).toEqual([kind, 401]);
    }
    expect(await handshake(server.url, { token: 'not-a-jwt' })).toMatchObject({ code: 'unauthorized' });
    // Just expired, within the clock tolerance: a socket's session ends at exp, so it is not let in again.
    const justExpired = await provider.mint(user('carol'), { expiresIn: -2 });
    expect(await handshake(server.url, { token: justExpired })).toMatchObject({ code: 'unauthorized', message: /expired/ });
    // A token is not a delete key, nor is the scheme optional.
    const good = await provider.mint(user('carol'));
    expect((await fetch(`${server.url}/history`, { headers: { authorization: good } })).status).toBe(401);
    expect((await fetch(`${server.url}/history`, bearer(good))).status).toBe(200);
  });

  test("the author is the token's name and its id the token's person, whatever the payload says", async () => {
    const token = await provider.mint(user('carol'));
    const { client, session } = await signedIn(server.url, token);
    expect(session.user).toMatchObject({ name: 'Carol', roles: [] });
    expect(session.expiresAt).toBe(new Date(decodeJwt(token).exp! * 1000).toISOString());
    await client.join('team');
    const ack = await client.send({ id: 'spoof1', room: 'team', author: 'Alice Admin', text: 'who am I' });
    expect(ack).toMatchObject({ ok: true });
    await client.waitFor((r) => r.some((m) => m.id === 'spoof1'));
    expect(client.received.find((m) => m.id === 'spoof1')).toMatchObject({ author: 'Carol', authorId: session.user.id });
    const history = (await (await fetch(`${server.url}/history?room=team`, bearer(token))).json()) as { messages: object[] };
    expect(history.messages).toEqual([expect.objectContaining({ id: 'spoof1', author: 'Carol', authorId: session.user.id })]);
    // identify cannot take another name or another person's id either.
    expect(await client.socket.emitWithAck('identify', { clientId: 'someone-else', author: 'Bob' })).toEqual({ ok: true });
    const presence = await client.socket.emitWithAck('getPresence', 'team');
    expect(presence).toMatchObject({ ok: true, members: [{ clientId: session.user.id, author: 'Carol' }] });
    client.close();
  });

  test('a signed-in author edits their message without a key; another person cannot', async () => {
    const carol = await signedIn(server.url, await provider.mint(user('carol')));
    const dave = await signedIn(server.url, await provider.mint(user('dave')));
    await carol.client.join('edits');
    await dave.client.join('edits');
    const ack = await carol.client.send({ id: 'edit-me', room: 'edits', author: 'x', text: 'first' });
    if (!ack.ok) throw new Error(`send refused: ${JSON.stringify(ack)}`);
    const edit = (c: ChatClient, text: string) => c.socket.emitWithAck('editMessage', { room: 'edits', seq: ack.seq, text });
    expect(await edit(dave.client, 'not yours')).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await edit(carol.client, 'second')).toMatchObject({ ok: true, seq: ack.seq });
    await eventually(
      async () =>
        dave.client.socket.connected &&
        ((await (await fetch(`${server.url}/history?room=edits`, bearer(await provider.mint(user('dave'))))).json()) as HistoryResponse)
          .messages[0]?.text === 'second',
      60_000,
      'the edit in history',
    );
    carol.client.close();
    dave.client.close();
  });

  test('two people of one name are told apart in presence', async () => {
    const a = await signedIn(server.url, await provider.mint(user('sam')));
    const b = await signedIn(server.url, await provider.mint(user('sam2')));
    await a.client.join('sams');
    await b.client.join('sams');
    let authors: string[] = [];
    await eventually(
      async () => {
        const p = await a.client.socket.emitWithAck('getPresence', 'sams');
        authors = p.ok ? p.members.map((m) => m.author) : [];
        return authors.length === 2;
      },
      10_000,
      'both Sams in presence',
      () => authors.join(', '),
    );
    expect(new Set(authors).size).toBe(2);
    expect(authors.every((n) => n.startsWith(a.session.user.name))).toBe(true);
    a.client.close();
    b.client.close();
  });

  test('a socket whose token expires is signed out and disconnected; authenticate with a fresh token keeps it', async () => {
    const short = await provider.mint(user('dave'), { expiresIn: 3 });
    const staying = await signedIn(server.url, short);
    const leaving = await signedIn(server.url, short);
    const fresh = await provider.mint(user('dave'), { expiresIn: 300 });
    const renewed = await staying.client.socket.emitWithAck('authenticate', { token: fresh });
    expect(renewed).toMatchObject({
      ok: true,
      user: { id: staying.session.user.id },
      expiresAt: new Date(decodeJwt(fresh).exp! * 1000).toISOString(),
    });
    expect(await signedOut(leaving.client)).toMatchObject({ reason: 'token_expired', message: /expired/ });
    await eventually(() => !leaving.client.socket.connected, 5000, 'the expired socket to be disconnected');
    // Past the old expiry, the renewed socket still sends.
    expect(await staying.client.send({ id: 'after-expiry', author: 'x', text: 'still here' })).toMatchObject({ ok: true });
    expect(staying.client.socket.connected).toBe(true);
    staying.client.close();
  });

  test("authenticate refuses a bad token (the socket keeps its own) and another person's", async () => {
    const { client } = await signedIn(server.url, await provider.mint(user('erin')));
    expect(await client.socket.emitWithAck('authenticate', { token: await provider.hostile('expired', user('erin')) })).toMatchObject({
      ok: false,
      error: { code: 'unauthorized' },
    });
    expect(await client.socket.emitWithAck('authenticate', { token: await provider.mint(user('carol')) })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    expect(await client.socket.emitWithAck('authenticate', {} as never)).toMatchObject({ ok: false, error: { code: 'invalid' } });
    expect(await client.send({ id: 'erin1', author: 'x', text: 'still erin' })).toMatchObject({ ok: true });
    client.close();
  });

  test('the issuer down: a token cannot be checked, the socket is refused unavailable, and admitted once it is back', async () => {
    provider.outage('error');
    let started: RunningServer;
    try {
      // A server started during the outage has neither the discovery document nor the keys.
      started = await backend.start(await backend.env(signedInEnv(provider)));
      expect(await handshake(started.url, { token: await provider.mint(user('carol')) })).toMatchObject({ code: 'unavailable' });
      expect((await fetch(`${started.url}/history`, bearer(await provider.mint(user('carol'))))).status).toBe(503);
    } finally {
      provider.outage(undefined);
    }
    const token = await provider.mint(user('carol'));
    await eventually(async () => (await handshake(started.url, { token })) === 'connected', 20_000, 'the socket admitted after the outage');
    await started.close();
  });

  test('a reconnect is a new, checked session: a person removed from a private room meanwhile gets nothing of it', async () => {
    const carol = await signedIn(server.url, await provider.mint(user('carol')));
    const admin = await signedIn(server.url, await provider.mint(user('alice')));
    const token = await provider.mint(user('dave'));
    const dave = new ChatClient(server.url, { auth: { token }, reconnection: true });
    const daveSession = new Promise<Session>((resolve) => dave.socket.once('session', resolve));
    await dave.connected();
    const daveId = (await daveSession).user.id;
    expect(await carol.client.socket.emitWithAck('createRoom', { room: 'hideout' })).toMatchObject({ ok: true });
    const invite = await carol.client.socket.emitWithAck('createInvite', { room: 'hideout' });
    expect(await dave.socket.emitWithAck('acceptInvite', { token: invite.ok ? invite.invite.token : '' })).toMatchObject({ ok: true });
    expect(await dave.join('hideout')).toMatchObject({ ok: true });

    const back = new Promise<boolean>((resolve) => dave.socket.once('connect', () => resolve(dave.socket.recovered)));
    dave.socket.io.engine.close(); // the network drops; the client reconnects by itself
    expect(await admin.client.socket.emitWithAck('removeMember', { room: 'hideout', userId: daveId })).toEqual({ ok: true });
    expect(await carol.client.send({ id: 'while-away', room: 'hideout', author: 'x', text: 'dave is gone' })).toMatchObject({ ok: true });
    expect(await back).toBeFalsy();
    expect(await dave.join('hideout')).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    // Something dave does receive, after which the missed message would have been replayed.
    expect(await carol.client.send({ id: 'to-all', author: 'x', text: 'hello everyone' })).toMatchObject({ ok: true });
    await dave.waitFor((r) => r.some((m) => m.id === 'to-all'));
    expect(dave.received.some((m) => m.id === 'while-away')).toBe(false);
    for (const c of [carol.client, admin.client, dave]) c.close();
  });

  test('refused handshakes hold no connection slot of their address', async () => {
    const limited = await backend.start(await backend.env({ ...signedInEnv(provider), SOCKETS_PER_ADDRESS: '3' }));
    for (let i = 0; i < 6; i++) expect(await handshake(limited.url)).toMatchObject({ code: 'unauthorized' });
    expect(await handshake(limited.url, { token: await provider.mint(user('carol')) })).toBe('connected');
    await limited.close();
  });
});

describe('open mode stays v1', () => {
  const backend = new TestBackend('embedded');
  let server: RunningServer;
  beforeAll(async () => {
    await backend.setup();
    server = await backend.start(await backend.env());
  });
  afterAll(() => backend.teardown());

  test('no auth in config.json, no token needed; the sign-in events answer invalid', async () => {
    expect(((await (await fetch(`${server.url}/config.json`)).json()) as { auth?: object }).auth).toBeUndefined();
    expect((await fetch(`${server.url}/history`)).status).toBe(200);
    const client = await ChatClient.connect(server.url, { auth: { token: 'ignored.in.open-mode' } });
    expect(await client.socket.emitWithAck('authenticate', { token: 'a.b.c' })).toMatchObject({ ok: false, error: { code: 'invalid' } });
    expect(await client.socket.emitWithAck('createRoom', { room: 'secret' })).toMatchObject({ ok: false, error: { code: 'invalid' } });
    const sent = await client.send({ id: 'v1', author: 'ann', text: 'hello' });
    expect(sent).toMatchObject({ ok: true });
    await client.waitFor((r) => r.some((m) => m.id === 'v1'));
    expect(client.received.find((m) => m.id === 'v1')).not.toHaveProperty('authorId');
    client.close();
  });
});
