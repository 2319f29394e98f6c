import { TestBed } from '@angular/core/testing';
import { PROTOCOL_VERSION, type SessionUser } from '@chat/protocol';
import { FETCH } from '../config/fetch';
import { RuntimeConfig } from '../config/runtime-config';
import { IdentityStore } from '../identity/identity-store';
import { RoomUrl } from '../rooms/room-url';
import { AuthSession } from '../session/auth-session';
import { FakeChatSocket, provideFakeSocket } from '../testing/fake-chat-socket';
import { fakeFetch } from '../testing/fake-fetch';
import { FakeOidcClient, idToken, signedIn } from '../testing/fake-oidc-client';
import { OIDC_CLIENT, SignInFlow } from './sign-in-flow';

const AUTH = { mode: 'signed-in', issuer: 'https://id.example.com', clientId: 'chat-web' };
const CAROL: SessionUser = { id: 'u-carol', name: 'Carol', roles: [] };
const flush = () => new Promise((r) => setTimeout(r, 0));

/** The flow over a fake provider and a fake socket, the page having landed on `landing`. */
async function setup(opts: { landing?: string; client?: FakeOidcClient; socket?: FakeChatSocket } = {}) {
  localStorage.clear();
  sessionStorage.clear();
  history.replaceState(null, '', '/r/global');
  const client = opts.client ?? new FakeOidcClient();
  const socket = opts.socket ?? new FakeChatSocket();
  const api = fakeFetch((url) => (url.pathname === '/config.json' ? { body: config() } : { status: 401, body: {} }));
  TestBed.configureTestingModule({
    providers: [provideFakeSocket(socket), { provide: FETCH, useValue: api.fetch }, { provide: OIDC_CLIENT, useValue: () => client }],
  });
  await TestBed.inject(RuntimeConfig).load('http://localhost/config.json');
  const auth = TestBed.inject(AuthSession);
  (auth as { landing: string | undefined }).landing = opts.landing ?? 'http://localhost/r/global';
  const flow = TestBed.inject(SignInFlow);
  await flow.start();
  return { flow, client, socket, auth, identity: TestBed.inject(IdentityStore), url: TestBed.inject(RoomUrl) };
}

const config = () => ({
  apiUrl: 'http://localhost',
  maxUploadBytes: 1000,
  imageTypes: ['image/png'],
  protocolVersion: PROTOCOL_VERSION,
  auth: AUTH,
});

describe('SignInFlow', () => {
  afterEach(() => vi.useRealTimers());

  it('without a session, shows the sign-in and does not connect; Sign in goes to the provider, back to this room', async () => {
    const { flow, client, socket, identity } = await setup();
    expect(flow.phase()).toBe('signed-out');
    expect(socket.starts).toBe(0);
    expect(identity.name()).toBeNull();
    history.replaceState(null, '', '/r/team');
    await flow.signIn();
    expect(client.signedInTo).toEqual(['/r/team']);
  });

  it("completes the provider's redirect: the room it came from, the token's name, then the socket with the token", async () => {
    const client = new FakeOidcClient();
    client.redirectAnswer = { signedIn: signedIn(1), returnTo: '/r/team' };
    const { flow, socket, auth, identity, url } = await setup({ client, landing: 'http://localhost/?code=abc&state=xyz' });
    expect(client.calls[0]).toBe('completeSignIn http://localhost/?code=abc&state=xyz');
    expect(flow.phase()).toBe('signed-in');
    expect(url.room()).toBe('team');
    expect(identity.name()).toBe('Carol');
    expect(auth.token).toBe(idToken(1));
    expect(socket.starts).toBe(1);
  });

  it('a failed redirect says why and offers to sign in again', async () => {
    const client = new FakeOidcClient();
    client.redirectAnswer = new Error('state mismatch');
    const { flow, socket } = await setup({ client, landing: 'http://localhost/?code=abc&state=xyz' });
    expect(flow.phase()).toBe('signed-out');
    expect(flow.notice()).toEqual({ text: 'Signing in did not work: state mismatch', signIn: true });
    expect(socket.starts).toBe(0);
  });

  it("the provider's refusal in the URL (cancelled at its page) is told, with Sign in again", async () => {
    const client = new FakeOidcClient();
    client.redirectAnswer = new Error('access_denied: the person cancelled');
    const { flow } = await setup({ client, landing: 'http://localhost/?error=access_denied&state=xyz' });
    expect(client.calls[0]).toBe('completeSignIn http://localhost/?error=access_denied&state=xyz');
    expect(flow.notice()).toEqual({ text: 'Signing in did not work: access_denied: the person cancelled', signIn: true });
  });

  it('keeps the session across a reload, and with only a refresh token left, refreshes first', async () => {
    const kept = new FakeOidcClient();
    kept.kept = signedIn(1);
    expect((await setup({ client: kept })).flow.phase()).toBe('signed-in');
    TestBed.resetTestingModule();
    const refreshable = new FakeOidcClient();
    refreshable.refreshes = [signedIn(2)];
    const { flow, auth } = await setup({ client: refreshable });
    expect(refreshable.calls).toEqual(['current', 'refresh']);
    expect(flow.phase()).toBe('signed-in');
    expect(auth.token).toBe(idToken(2));
  });

  it("sends the token on API requests, and the server's session sets who we are", async () => {
    const client = new FakeOidcClient();
    client.kept = signedIn(1, 300_000, 'Carol from the token');
    const { socket, auth, identity } = await setup({ client });
    const seen: (string | null)[] = [];
    // What the sign-in wrapped: the page's own fetch, here a recorder.
    vi.spyOn(globalThis, 'fetch').mockImplementation(async (_i, init) => {
      seen.push(new Headers(init?.headers).get('authorization'));
      return new Response('{}');
    });
    await auth.fetch('http://localhost/history?room=global');
    await auth.fetch('https://elsewhere.example/x');
    expect(seen).toEqual([`Bearer ${idToken(1)}`, null]);
    socket.emit('session', { user: { ...CAROL, name: 'Carol (example.com)' }, expiresAt: new Date().toISOString() });
    expect(auth.user()).toEqual({ ...CAROL, name: 'Carol (example.com)' });
    expect(socket.clientId).toBe('u-carol');
    expect(identity.name()).toBe('Carol (example.com)');
    vi.restoreAllMocks();
  });

  it('refreshes before the token expires and hands the new token to the open socket (authenticate, no reconnect)', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const client = new FakeOidcClient();
    client.kept = signedIn(1, 20_000);
    client.refreshes = [signedIn(2, 20_000)];
    const { socket, auth } = await setup({ client });
    // A quarter of a short token's life before it ends: 15 s into 20.
    await vi.advanceTimersByTimeAsync(14_000);
    expect(client.calls).not.toContain('refresh');
    await vi.advanceTimersByTimeAsync(1_500);
    expect(client.calls).toContain('refresh');
    expect(auth.token).toBe(idToken(2));
    expect(socket.requests).toEqual([{ event: 'authenticate', body: { token: idToken(2) } }]);
    expect(socket.starts).toBe(1);
  });

  it('a refresh that cannot reach the provider is tried again; one the provider refuses asks to sign in again', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const client = new FakeOidcClient();
    client.kept = signedIn(1, 20_000);
    client.refreshes = [new TypeError('Failed to fetch')];
    const { flow } = await setup({ client });
    const { ErrorResponse } = await import('oidc-client-ts');
    client.refreshes.push(new ErrorResponse({ error: 'invalid_grant', error_description: 'grant request is invalid' }));
    await vi.advanceTimersByTimeAsync(15_500);
    expect(client.calls.filter((c) => c === 'refresh')).toHaveLength(1);
    expect(flow.notice()).toBeNull();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(client.calls.filter((c) => c === 'refresh')).toHaveLength(2);
    expect(flow.notice()).toEqual({ text: 'Your sign-in has expired. Sign in again to keep chatting.', signIn: true });
  });

  it('a refused handshake (unauthorized) refreshes and connects again; refused again, it asks to sign in again', async () => {
    const client = new FakeOidcClient();
    client.kept = signedIn(1);
    client.refreshes = [signedIn(2)];
    const socket = new FakeChatSocket();
    socket.connected = false;
    const { flow } = await setup({ client, socket });
    socket.emit('refused', { code: 'unauthorized', message: 'the sign-in has expired' });
    await flush();
    expect(socket.starts).toBe(2);
    expect(flow.notice()).toBeNull();
    socket.emit('refused', { code: 'unauthorized', message: 'the token is meant for another client' });
    await flush();
    expect(flow.notice()).toEqual({ text: 'The chat did not accept your sign-in: the token is meant for another client', signIn: true });
  });

  it('signed out by the server: an expired token is refreshed, a revoked session asks to sign in again', async () => {
    const client = new FakeOidcClient();
    client.kept = signedIn(1);
    client.refreshes = [signedIn(2)];
    const { flow, socket, auth } = await setup({ client });
    socket.emit('signedOut', { reason: 'token_expired', message: 'the sign-in has expired' });
    await flush();
    expect(auth.token).toBe(idToken(2));
    expect(flow.notice()).toBeNull();
    socket.emit('signedOut', { reason: 'revoked', message: 'revoked' });
    await flush();
    expect(flow.notice()).toEqual({ text: 'You were signed out. Sign in again to keep chatting.', signIn: true });
  });

  it('an API 401 refreshes the token', async () => {
    const client = new FakeOidcClient();
    client.kept = signedIn(1);
    client.refreshes = [signedIn(2)];
    const { auth } = await setup({ client });
    vi.spyOn(globalThis, 'fetch').mockResolvedValue(new Response('{}', { status: 401 }));
    await auth.fetch('http://localhost/history?room=global');
    await flush();
    expect(client.calls).toContain('refresh');
    expect(auth.token).toBe(idToken(2));
    vi.restoreAllMocks();
  });

  it('an invite link waits through the sign-in, is accepted once connected, and opens its room', async () => {
    const client = new FakeOidcClient();
    client.kept = signedIn(1);
    const socket = new FakeChatSocket();
    socket.handlers.set('acceptInvite', () => ({ ok: true, room: 'team', visibility: 'private', memberCount: 2 }));
    const { flow, url } = await setup({ client, socket, landing: 'http://localhost/r/global#/invite/aW52aXRl.c2lnbmF0dXJl' });
    expect(flow.invited()).toBe(true);
    socket.reconnect(false);
    await flush();
    expect(socket.requests).toEqual([{ event: 'acceptInvite', body: { token: 'aW52aXRl.c2lnbmF0dXJl' } }]);
    expect(url.room()).toBe('team');
    expect(flow.notice()).toEqual({ text: 'You are now a member of #team.', signIn: false });
    // Taken once: a later reconnect does not accept it again.
    socket.reconnect(false);
    await flush();
    expect(socket.requests).toHaveLength(1);
  });

  it('a refused invite says why', async () => {
    const client = new FakeOidcClient();
    client.kept = signedIn(1);
    const socket = new FakeChatSocket();
    socket.handlers.set('acceptInvite', () => ({ ok: false, error: { code: 'not_found', message: 'this invite was revoked' } }));
    const { flow } = await setup({ client, socket, landing: 'http://localhost/#/invite/aW52aXRl.c2lnbmF0dXJl' });
    socket.reconnect(false);
    await flush();
    expect(flow.notice()).toEqual({ text: 'This invite link does not work: this invite was revoked', signIn: false });
  });

  it('signs out at the provider', async () => {
    const client = new FakeOidcClient();
    client.kept = signedIn(1);
    const { flow, auth } = await setup({ client });
    const assign = vi.fn();
    vi.spyOn(window, 'location', 'get').mockReturnValue({ ...window.location, assign });
    await flow.signOut();
    vi.restoreAllMocks();
    expect(client.calls).toContain('signOut');
    expect(auth.token).toBeUndefined();
  });
});
