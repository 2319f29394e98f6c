import fs from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, newContext, saveScreenshots } from './support/browser';
import { connected, messages, openChat, send, texts } from './support/chat-page';
import { startChat, tempDataDir, type ChatServer } from './support/server';

let server: ChatServer | undefined;
let dataDir: string;
let browser: Browser;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  dataDir = tempDataDir();
  server = await startChat(dataDir);
  browser = await launchBrowser();
  context = await newContext(browser);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

afterEach(() => saveScreenshots([page]));

test('a send while the server is down shows failed; its retry after the restart is stored once', async () => {
  const first = server!;
  page = await openChat(context, first.url, 'Ann', '/r/retry');
  await send(page, 'kept');
  await page.locator('article.msg[data-status=sent]', { hasText: 'kept' }).waitFor();

  await first.close();
  server = undefined;
  await page.locator('[data-status=reconnecting]').waitFor();
  await send(page, 'sent while down');
  const failed = page.locator('article.msg[data-status=failed]', { hasText: 'sent while down' });
  await failed.waitFor();
  expect(await failed.locator('.msg-status').textContent()).toMatch(/Not sent: Not connected to the server/);

  // Same port and data: the page reconnects by itself and finds the earlier history.
  server = await startChat(dataDir, first.port);
  await connected(page);
  // The retry must resend this very message (same id), which the server then stores once.
  const id = await failed.getAttribute('data-id');
  expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
  await failed.getByRole('button', { name: 'Retry' }).click();
  await page.locator('article.msg[data-status=sent]', { hasText: 'sent while down' }).waitFor();
  // A second retry click is impossible (no button once sent), and the server has it once.
  expect(await texts(page)).toEqual(['kept', 'sent while down']);

  const res = await fetch(`${server.url}/history?room=retry`);
  const body = (await res.json()) as { messages: { text?: string; id: string }[] };
  expect(body.messages.map((m) => m.text)).toEqual(['kept', 'sent while down']);
  expect(body.messages.filter((m) => m.id === id)).toHaveLength(1);
  expect(body.messages[1]!.id).toBe(id);

  // Another tab (a fresh load) sees the same single copy.
  const other = await context.newPage();
  await other.goto(`${server.url}/r/retry`);
  await messages(other, 'sent while down').waitFor();
  expect(await texts(other)).toEqual(['kept', 'sent while down']);
  await other.close();
});
