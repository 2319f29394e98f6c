import fs from 'node:fs';
import type { Browser, BrowserContext, Page, Request } from 'playwright-core';
import { startOidcProvider, TEST_PASSWORD, type OidcProvider } from '@chat/local-aws';
import { axeViolations } from './support/axe';
import { launchBrowser, newContext, saveScreenshots } from './support/browser';
import { connected, messages, send, socketFrames } from './support/chat-page';
import { startChat, tempDataDir, type ChatServer } from './support/server';
import { until } from './support/until';

/**
 * The browser's sign-in against a real OpenID Connect provider on loopback (oidc-provider, from tools/local-aws):
 * Authorization Code + PKCE through its login page, the ID token on the socket and on API requests, the session kept
 * across a reload, a refresh before the (short) token expires handed to the open socket, and sign-out at the
 * provider. The server runs in open mode and the page's config.json is given `auth` by the test: what the browser
 * does is the same against a signed-in server, whose refusals sign-in-server.test.ts covers.
 */

/** Short, so that a refresh happens within a test: the app refreshes a quarter of a short token's life early. */
const TOKEN_SECONDS = 12;

let provider: OidcProvider;
let server: ChatServer;
let dataDir: string;
let browser: Browser;
let contexts: BrowserContext[] = [];
let pages: Page[] = [];

beforeAll(async () => {
  provider = await startOidcProvider({ ttl: { idToken: TOKEN_SECONDS, accessToken: TOKEN_SECONDS } });
  dataDir = tempDataDir();
  // The browser reads the provider's discovery and token endpoints itself: the page's CSP (connect-src) must allow
  // the issuer. CORS_ORIGINS adds it here; a signed-in server adds AUTH_ISSUER's origin by itself.
  server = await startChat(dataDir, 0, { CORS_ORIGINS: provider.issuer });
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
  await saveScreenshots(pages);
  await Promise.all(contexts.map((c) => c.close()));
  contexts = [];
  pages = [];
});

/** A browser whose config.json says "sign in with the loopback provider". */
async function signedInBrowser(): Promise<{ page: Page; api: Request[]; frames: { sent: string[] } }> {
  const context = await newContext(browser);
  contexts.push(context);
  await context.route(`${server.url}/config.json`, async (route) => {
    const res = await route.fetch();
    const config = (await res.json()) as Record<string, unknown>;
    const auth = { mode: 'signed-in', issuer: provider.issuer, clientId: provider.clientId, scopes: 'openid profile email groups' };
    await route.fulfill({ response: res, json: { ...config, auth } });
  });
  const frames = socketFrames(context);
  const page = await context.newPage();
  pages.push(page);
  page.on('pageerror', (err) => console.error('page error:', err));
  const api: Request[] = [];
  page.on('request', (r) => {
    if (r.url().startsWith(`${server.url}/history`)) api.push(r);
  });
  return { page, api, frames };
}

/** The provider's login page, as a person fills it in. */
async function logIn(page: Page, username: string): Promise<void> {
  await page.getByLabel('User name').fill(username);
  await page.getByLabel('Password').fill(TEST_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** The ID token in the socket's CONNECT frames (`40{...auth}`), in order. */
const handshakeTokens = (sent: string[]) =>
  sent.filter((f) => f.startsWith('40')).map((f) => (JSON.parse(f.slice(2)) as { token?: string }).token);

test('signs in with the provider (code + PKCE), chats with the token, stays signed in across a reload, refreshes, signs out', async () => {
  const { page, api, frames } = await signedInBrowser();
  await page.goto(`${server.url}/r/team`);

  // Signed out: the sign-in screen, no name form, no connection.
  await page.getByRole('heading', { name: 'Sign in to the chat' }).waitFor();
  expect(await page.locator('#name-input').count()).toBe(0);
  expect(await axeViolations(page)).toEqual([]);
  expect(frames.sent).toEqual([]);

  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${provider.issuer}/**`);
  await logIn(page, 'carol');

  // Back in the room it left from, as the token's person.
  await page.waitForURL(`${server.url}/r/team`);
  await page.getByLabel('Message to #team').waitFor();
  await connected(page);
  expect(await page.locator('.me-name').textContent()).toBe('Carol');
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
  const [first] = handshakeTokens(frames.sent);
  expect(first).toMatch(/^ey[\w-]+\.[\w-]+\.[\w-]+$/);
  // History was read with the same token, and only with it.
  const read = await until('a history request', () => api[0]);
  expect(await read.headerValue('authorization')).toBe(`Bearer ${first}`);
  expect(await axeViolations(page)).toEqual([]);

  await send(page, 'signed in and chatting');
  await page.locator('article.msg[data-status=sent]', { hasText: 'signed in and chatting' }).waitFor();
  expect(await messages(page, 'signed in and chatting').locator('.msg-author').textContent()).toBe('Carol');

  // A reload keeps the session: no trip to the provider.
  await page.reload();
  await page.getByLabel('Message to #team').waitFor();
  await connected(page);
  expect(page.url()).toBe(`${server.url}/r/team`);
  await messages(page, 'signed in and chatting').waitFor();

  // Before the short token expires, a fresh one reaches the open socket (authenticate), without a reconnect.
  const connects = handshakeTokens(frames.sent).length;
  const frame = await until(
    'an authenticate event with a refreshed token',
    () => frames.sent.find((f) => /^42\d*\["authenticate"/.test(f)),
    TOKEN_SECONDS * 2000,
  );
  const refreshed = JSON.parse(frame.replace(/^42\d*/, '')) as [string, { token: string }];
  expect(refreshed[1].token).not.toBe(first);
  expect(handshakeTokens(frames.sent)).toHaveLength(connects);
  // And the API gets the fresh one from then on.
  api.length = 0;
  await page.getByLabel('Room name').fill('after-refresh');
  await page.getByLabel('Room name').press('Enter');
  const later = await until('a history request after the refresh', () => api.at(-1));
  expect(await later.headerValue('authorization')).toBe(`Bearer ${refreshed[1].token}`);

  // Sign out: at the provider too, then back to the sign-in screen, which a reload keeps.
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('heading', { name: 'Sign in to the chat' }).waitFor();
  expect(page.url().startsWith(server.url)).toBe(true);
  await page.reload();
  await page.getByRole('heading', { name: 'Sign in to the chat' }).waitFor();
  // Signing in again asks the provider for the password: its session ended too.
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByLabel('User name').waitFor();
});
