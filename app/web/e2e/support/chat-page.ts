import type { BrowserContext, Locator, Page } from 'playwright-core';

/** Opens the app at `path` as a person called `name`: answers the name prompt, waits for the connection. */
export async function openChat(context: BrowserContext, baseUrl: string, name: string, path = '/'): Promise<Page> {
  const page = await context.newPage();
  page.on('pageerror', (err) => console.error(`[${name}] page error:`, err));
  if (process.env['E2E_CONSOLE']) page.on('console', (m) => m.type() === 'error' && console.warn(`[${name}] console: ${m.text()}`));
  await page.goto(baseUrl + path);
  // The app shows either the name prompt (a newcomer) or the message box (a known name).
  await page.locator('#name-input, #composer-text').first().waitFor();
  const nameInput = page.getByLabel('Choose a display name to start chatting');
  if ((await nameInput.count()) > 0) {
    await nameInput.fill(name);
    await page.getByRole('button', { name: 'Save' }).click();
  }
  await page.getByLabel(/^Message to #/).waitFor();
  await connected(page);
  return page;
}

export async function connected(page: Page): Promise<void> {
  await page.locator('[data-status=connecting], [data-status=reconnecting], [data-status=offline]').waitFor({ state: 'detached' });
}

export async function send(page: Page, text: string): Promise<void> {
  const box = page.getByLabel(/^Message to #/);
  await box.fill(text);
  await box.press('Enter');
}

/** Message bubbles (not day separators), optionally only those whose text contains `text`. */
export function messages(page: Page, text?: string): Locator {
  const all = page.locator('.messages article.msg');
  return text === undefined ? all : all.filter({ has: page.locator('.msg-text', { hasText: text }) });
}

export async function texts(page: Page): Promise<string[]> {
  return page.locator('.messages article.msg .msg-text').allTextContents();
}

/**
 * Socket.IO frames of the context's pages, as text (e.g. `42["newMessage",{...}]`, `43<id>[ack]`). Set it up
 * before the page opens. Only the WebSocket transport is seen, not the first HTTP long-polling requests.
 */
export function socketFrames(context: BrowserContext): { sent: string[]; received: string[] } {
  const frames = { sent: [] as string[], received: [] as string[] };
  context.on('page', (page) =>
    page.on('websocket', (ws) => {
      ws.on('framesent', (f) => frames.sent.push(String(f.payload)));
      ws.on('framereceived', (f) => frames.received.push(String(f.payload)));
    }),
  );
  return frames;
}

/** The open room's presence line, e.g. "2 online: Ann (you), Bob". */
export function presence(page: Page): Locator {
  return page.locator('.presence');
}

/** Waits until the presence line lists exactly `names` (in its order) with that count. */
export async function waitForPresence(page: Page, names: string[]): Promise<void> {
  await page.waitForFunction((want) => {
    const count = document.querySelector('.presence-count')?.textContent?.trim();
    const shown = [...document.querySelectorAll('.presence-name')].map((n) => n.textContent?.trim());
    return count === `${want.length} online` && JSON.stringify(shown) === JSON.stringify(want);
  }, names);
}

/** The room chip in the room list, and its unread badge. */
export function roomChip(page: Page, room: string): Locator {
  return page.locator(`.room-chip[data-room="${room}"]`);
}

export async function waitForTitle(page: Page, title: string): Promise<void> {
  await page.waitForFunction((t) => document.title === t, title);
}

/** Makes the page look like a background tab to the app (`visibilitychange`), as switching tabs does. */
export async function setHidden(page: Page, hidden: boolean): Promise<void> {
  await page.evaluate((h) => {
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => (h ? 'hidden' : 'visible') });
    document.dispatchEvent(new Event('visibilitychange'));
  }, hidden);
}
