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

const expectClean = async (page: Page, what: string) =>
  expect({ what, violations: await axeViolations(page) }).toEqual({ what, violations: [] });

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
    await page
      .locator('input[type=file]')
      .setInputFiles({ name: 'blue.png', mimeType: 'image/png', buffer: makePng(96, 64, [37, 99, 235]) });
    await page.locator('article.msg.own[data-status=sent] .msg-image img').waitFor();
    await page.waitForFunction(() =>
      [...document.querySelectorAll<HTMLImageElement>('.msg-image img')].some((i) => i.complete && i.naturalWidth > 0),
    );
    await page.context().setOffline(true);
    await page.locator('[data-status=offline]').waitFor();
    await send(page, 'this one will fail https://example.net');
    await messages(page, 'this one will fail').and(page.locator('[data-status=failed]')).waitFor();
    await expectClean(page, `${label}: chat with links, an image, a failed message, offline`);
    await page.context().setOffline(false);
    await connected(page);
  });
});

/** Where Tab goes from the top of the page, with whether each stop shows a focus ring. */
async function tabStops(page: Page, max = 60): Promise<{ name: string; ring: boolean }[]> {
  // A click on the page's margin puts the start of sequential focus navigation at the top of the document.
  await page.mouse.click(2, 2);
  const stops: { name: string; ring: boolean; key: string }[] = [];
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const stop = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      if (!el || el === document.body) return null;
      const label = el.getAttribute('aria-label') ?? (el as HTMLInputElement).labels?.[0]?.textContent ?? el.textContent ?? '';
      const style = getComputedStyle(el);
      const ring = (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0) || style.boxShadow !== 'none';
      const key = `${el.tagName}#${el.id}|${label}|${el.getBoundingClientRect().top}`;
      return { name: label.replace(/\s+/g, ' ').trim(), ring, key };
    });
    if (!stop || stops.some((s) => s.key === stop.key)) break; // back at the start: one full round
    stops.push(stop);
  }
  return stops.map(({ name, ring }) => ({ name, ring }));
}

test('keyboard only: every control is a Tab stop, in reading order, with a visible focus ring; Retry works from the keyboard', async () => {
  const room = 'a11y-keyboard';
  const page = await open({ width: 1200, height: 800 }, 'light', `/r/${room}`);
  await page.getByLabel('Choose a display name to start chatting').fill('Ann');
  await page.keyboard.press('Enter');
  await page.getByLabel(/^Message to #/).waitFor();
  await connected(page);
  await otherPerson(room, ['see https://example.com/kbd']);
  await messages(page, 'see https://example.com/kbd').waitFor();
  await page.context().setOffline(true);
  await page.locator('[data-status=offline]').waitFor();
  await send(page, 'typed offline');
  await messages(page, 'typed offline').and(page.locator('[data-status=failed]')).waitFor();

  const stops = await tabStops(page);
  const names = stops.map((s) => s.name);
  expect(stops.filter((s) => !s.ring)).toEqual([]);
  expect(names[0]).toBe('Skip to message box');
  // Header, room list, conversation (its links, the failed message's Retry), then the composer: the order on screen.
  const order = [
    'Skip to message box',
    'Room name',
    'Join',
    'Change name',
    `#${room}`,
    `Conversation in #${room}`,
    'https://example.com/kbd',
    'Retry',
    'Attach an image',
    `Message to #${room}`,
  ];
  const at = order.map((want) => names.findIndex((n) => n === want || n.startsWith(want)));
  expect({ names, at: at.map((i, k) => [order[k], i]) }).toEqual({ names, at: at.map((_i, k) => [order[k], expect.any(Number)]) });
  expect(at.every((i) => i >= 0)).toBe(true);
  expect([...at].sort((a, b) => a - b)).toEqual(at);

  await page.context().setOffline(false);
  await connected(page);
  const retry = page.getByRole('button', { name: 'Retry' });
  await retry.focus();
  await page.keyboard.press('Enter');
  await messages(page, 'typed offline').and(page.locator('[data-status=sent]')).waitFor();
  // Focus is not lost with the Retry button: it moves to the message box.
  expect(await page.evaluate(() => document.activeElement?.id)).toBe('composer-text');
});

test('installable: Chromium reads the manifest without errors and has no objection but the test profile', async () => {
  const page = await open({ width: 390, height: 844 }, 'light', '/');
  await page.locator('#name-input, #composer-text').first().waitFor();
  const cdp = await page.context().newCDPSession(page);
  const manifest = await cdp.send('Page.getAppManifest');
  expect(manifest.url).toBe(`${server.url}/manifest.webmanifest`);
  expect(manifest.errors).toEqual([]);
  const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
  // Playwright's contexts are incognito-like, which alone stops an install; anything else would be ours.
  expect(installabilityErrors.map((e) => e.errorId)).toEqual(['in-incognito']);
  expect(await page.locator('meta[name=description]').getAttribute('content')).toBeTruthy();
  expect(await page.locator('meta[name=theme-color]').getAttribute('content')).toBe('#2563eb');
});
