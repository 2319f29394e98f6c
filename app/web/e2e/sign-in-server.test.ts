import fs from 'node:fs';
import { io } from 'socket.io-client';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startOidcProvider, TEST_PASSWORD, type OidcProvider } from '@chat/local-aws';
import { axeViolations } from './support/axe';
import { launchBrowser, newContext, saveScreenshots } from './support/browser';
import { connected, messages, send, waitForPresence } from './support/chat-page';
import { startChat, tempDataDir, type ChatServer } from './support/server';

/**
 * Sign-in against a signed-in server (AUTH_MODE=signed-in, the loopback OpenID Connect provider as its issuer):
 * refusals without a token, the author taken from the token, a socket signed out when its token expires without a
 * refresh, private rooms with invite links, and a moderator's delete from the UI.
 *
 * This needs the server's signed-in mode (AUTH_MODE, AUTH_ISSUER, AUTH_AUDIENCE; config.json's `auth`; the handshake's
 * and the routes' token checks; `session`, `signedOut`, `authenticate`; private rooms and invites; the issuer's origin
 * in the page's connect-src), which is built apart: it lands with that work, not before.
 */

const TOKEN_SECONDS = 15;

let provider: OidcProvider;
let server: ChatServer;
let dataDir: string;
let browser: Browser;
let contexts: BrowserContext[] = [];
let pages: Page[] = [];

beforeAll(async () => {
  provider = await startOidcProvider({ ttl: { idToken: TOKEN_SECONDS, accessToken: TOKEN_SECONDS } });
  dataDir = tempDataDir();
  // The loopback provider releases groups (roles) for the `groups` scope; Cognito puts them in every ID token.
  server = await startChat(dataDir, 0, {
    AUTH_MODE: 'signed-in',
    AUTH_ISSUER: provider.issuer,
    AUTH_AUDIENCE: provider.clientId,
    AUTH_SCOPES: 'openid profile email groups',
  });
  provider.setClient({ redirectUris: [`${server.url}/`], postLogoutRedirectUris: [`${server.url}/`] });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await provider?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

afterEach(async () => {
  provider.outage(undefined);
  await saveScreenshots(pages);
  await Promise.all(contexts.map((c) => c.close()));
  contexts = [];
  pages = [];
});

/** `username` (a provider test user) signed in, at `path`. */
async function person(username: string, path = '/r/global'): Promise<Page> {
  const context = await newContext(browser);
  contexts.push(context);
  const page = await context.newPage();
  pages.push(page);
  page.on('pageerror', (err) => console.error(`[${username}] page error:`, err));
  await page.goto(server.url + path);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByLabel('User name').fill(username);
  await page.getByLabel('Password').fill(TEST_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByLabel(/^Message to #/).waitFor();
  await connected(page);
  return page;
}

test('config.json says to sign in; without a token the socket and the API are refused', async () => {
  const config = (await (await fetch(`${server.url}/config.json`)).json()) as { auth?: object };
  expect(config.auth).toMatchObject({ mode: 'signed-in', issuer: provider.issuer, clientId: provider.clientId });
  expect((await fetch(`${server.url}/history?room=global`)).status).toBe(401);
  const socket = io(server.url, { transports: ['websocket'], forceNew: true, reconnection: false });
  const refused = await new Promise<{ data?: { code?: string } }>((resolve) => socket.once('connect_error', resolve));
  socket.close();
  expect(refused.data?.code).toBe('unauthorized');
});

test("two people chat signed in: the author is the token's name, presence tells who is who", async () => {
  const carol = await person('carol', '/r/signed');
  const dave = await person('dave', '/r/signed');
  // One entry per person, "(you)" by the user id the server's session gave: the token decides who is who.
  await waitForPresence(carol, ['Carol (you)', 'dave']);
  await waitForPresence(dave, ['dave (you)', 'Carol']);
  await send(carol, 'hello from Carol');
  await messages(dave, 'hello from Carol').waitFor();
  expect(await messages(dave, 'hello from Carol').locator('.msg-author').textContent()).toBe('Carol');
  expect(await axeViolations(dave)).toEqual([]);
});

test('a socket whose token expires without a refresh is signed out, and the page says so and signs in again', async () => {
  const carol = await person('carol', '/r/expiry');
  // The provider goes away: no refresh can happen before the token runs out.
  provider.outage('error');
  await carol
    .getByRole('alert')
    .filter({ hasText: 'Your sign-in has expired' })
    .waitFor({ timeout: TOKEN_SECONDS * 3000 });
  expect(await axeViolations(carol)).toEqual([]);
  provider.outage(undefined);
  // Once the provider answers again, the page may sign itself back in (its refresh token still works) before the
  // button is clicked, and the button goes away: either way it must end up signed in and sending.
  await carol
    .getByRole('button', { name: 'Sign in again' })
    .click({ timeout: 10_000 })
    .catch(() => undefined);
  // The provider still knows Carol: straight back, signed in.
  await carol.getByLabel('Message to #expiry').waitFor();
  await connected(carol);
  await send(carol, 'back again');
  await carol.locator('article.msg[data-status=sent]', { hasText: 'back again' }).waitFor();
});

test('private rooms: a stranger is refused, an invite link admits a member, a revoked link admits nobody', async () => {
  const carol = await person('carol', '/r/global');
  await carol.getByRole('button', { name: 'Rooms' }).click();
  await carol.getByLabel('New private room').fill('plans');
  await carol.getByRole('button', { name: 'Create', exact: true }).click();
  await carol.getByLabel('Message to #plans').waitFor();
  await send(carol, 'the secret plan');
  await carol.locator('article.msg[data-status=sent]', { hasText: 'the secret plan' }).waitFor();

  const dave = await person('dave', '/r/plans');
  await dave.locator('[data-status=join-failed]', { hasText: '#plans is private: ask one of its members for an invite link.' }).waitFor();
  expect(await messages(dave, 'the secret plan').count()).toBe(0);

  await carol.getByRole('button', { name: 'Create invite link' }).click();
  const link = await carol.locator('#invite-url').inputValue();
  expect(link).toMatch(new RegExp(`^${server.url}/#/invite/[A-Za-z0-9_.-]+$`));
  expect(await axeViolations(carol)).toEqual([]);
  await dave.goto(link);
  await dave.getByRole('alert').filter({ hasText: 'You are now a member of #plans.' }).waitFor();
  await messages(dave, 'the secret plan').waitFor();

  await carol.getByRole('button', { name: /^Revoke/ }).click();
  await carol.getByRole('status').filter({ hasText: 'The link admits nobody any more.' }).waitFor();
  const erin = await person('erin', '/r/global');
  await erin.goto(link);
  await erin.getByRole('alert').filter({ hasText: 'This invite link does not work' }).waitFor();
});

test("a moderator deletes anyone's message from the UI; others see it deleted", async () => {
  const carol = await person('carol', '/r/moderated');
  const bob = await person('bob', '/r/moderated');
  await send(carol, 'something to remove');
  const item = messages(bob, 'something to remove');
  await item.waitFor();
  await item.getByRole('button', { name: /^Delete this message/ }).click();
  await bob.locator('.msg-confirm').getByRole('button', { name: 'Delete' }).click();
  await carol.locator('article.msg.deleted', { hasText: 'Message deleted' }).waitFor();
});
