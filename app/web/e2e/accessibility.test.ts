import fs from 'node:fs';
import { io, type Socket } from 'socket.io-client';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { axeViolations } from './support/axe';
import { launchBrowser, saveScreenshots } from './support/browser';
import { connected, messages, send } from './support/chat-page';
import { makePng } from './support/png';
import { startChat, tempDataDir, type ChatServer } from './support/server';

let server: ChatServer;
let dataDir: string;
let browser: Browser;
let contexts: BrowserContext[] = [];
let pages: Page[] = [];

beforeAll(async () => {
  dataDir = tempDataDir();
  server = await startChat(dataDir);
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

afterEach(async () => {
  await saveScreenshots(pages);
  await Promise.all(contexts.map((c) => c.close()));
  contexts = [];
  pages = [];
});

async function open(viewport: { width: number; height: number }, colorScheme: 'light' | 'dark', path: string): Promise<Page> {
  const context = await browser.newContext({ viewport, colorScheme, locale: 'en-GB', timezoneId: 'UTC' });
  contexts.push(context);
  const page = await context.newPage();
  pages.push(page);
  page.on('pageerror', (err) => console.error('page error:', err));
  await page.goto(server.url + path);
  return page;
}

/** Someone else in the room, talking through the protocol directly (no second browser needed). */
async function otherPerson(room: string, texts: string[]): Promise<void> {
  const socket: Socket = io(server.url, { transports: ['websocket'], forceNew: true, reconnection: false });
  try {
    await new Promise<void>((resolve, reject) => (socket.once('connect', resolve), socket.once('connect_error', reject)));
    await socket.timeout(10_000).emitWithAck('join', room);
    for (const [i, text] of texts.entries()) {
      const ack = await socket.timeout(10_000).emitWithAck('sendMessage', { id: `other-${room}-${i}`, room, author: 'Bob', text });
      expect(ack).toMatchObject({ ok: true });
    }
  } finally {
    socket.close();
  }
}

const expectClean = async (page: Page, what: string) => expect({ what, violations: await axeViolations(page) }).toEqual({ what, violations: [] });

// Desktop and phone widths, in the light and the dark scheme (the app follows prefers-color-scheme).
describe.each([
  ['1200 px, light', { width: 1200, height: 800 }, 'light'],
  ['390 px, light', { width: 390, height: 844 }, 'light'],
  ['1200 px, dark', { width: 1200, height: 800 }, 'dark'],
  ['390 px, dark', { width: 390, height: 844 }, 'dark'],
] as const)('axe-core finds no serious or critical violation at %s', (label, viewport, scheme) => {
  const room = `a11y-${viewport.width}-${scheme}`;

  test('on the first screen, an empty room, and a chat with links, an image and a failed message', async () => {
    const page = await open(viewport, scheme, `/r/${room}`);
    await page.getByLabel('Choose a display name to start chatting').waitFor();
    await page.locator('.empty').waitFor();
    await expectClean(page, `${label}: first screen (name prompt)`);

    await page.getByLabel('Choose a display name to start chatting').fill('Ann');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByLabel(/^Message to #/).waitFor();
    await connected(page);
    await expectClean(page, `${label}: empty room`);

    await otherPerson(room, ['Docs at https://example.com/docs and the status page https://status.example.com', 'plain text from Bob']);
    await messages(page, 'plain text from Bob').waitFor();
    await send(page, 'Mine: https://example.org/a-long/path?with=query#and-fragment');
    await page.locator('article.msg.own[data-status=sent]').first().waitFor();
    await page.locator('input[type=file]').setInputFiles({ name: 'blue.png', mimeType: 'image/png', buffer: makePng(96, 64, [37, 99, 235]) });
    await page.locator('article.msg.own[data-status=sent] .msg-image img').waitFor();
    await page.waitForFunction(() => [...document.querySelectorAll<HTMLImageElement>('.msg-image img')].some((i) => i.complete && i.naturalWidth > 0));
    await page.context().setOffline(true);
    await page.locator('[data-status=offline]').waitFor();
    await send(page, 'this one will fail https://example.net');
    await messages(page, 'this one will fail').and(page.locator('[data-status=failed]')).waitFor();
    await expectClean(page, `${label}: chat with links, an image, a failed message, offline`);
    await page.context().setOffline(false);
    await connected(page);
  });
});
