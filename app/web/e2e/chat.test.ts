import fs from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, newContext, saveScreenshots } from './support/browser';
import { connected, messages, openChat, send, socketFrames, texts } from './support/chat-page';
import { makePng } from './support/png';
import { startChat, tempDataDir, type ChatServer } from './support/server';
import { eventually } from '../../server/test/support/eventually';

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

async function person(name: string, path = '/'): Promise<Page> {
  const context = await newContext(browser);
  contexts.push(context);
  const page = await openChat(context, server.url, name, path);
  pages.push(page);
  return page;
}

afterEach(async () => {
  await saveScreenshots(pages);
  await Promise.all(contexts.map((c) => c.close()));
  contexts = [];
  pages = [];
});

test('two people chat both ways, each message shown once, pending then sent', async () => {
  const ann = await person('Ann', '/r/both-ways');
  const bob = await person('Bob', '/r/both-ways');

  await send(ann, 'Hi Bob, Ann here');
  await messages(bob, 'Hi Bob, Ann here').waitFor();
  await send(bob, 'Hello Ann!');
  await messages(ann, 'Hello Ann!').waitFor();
  await send(ann, 'line one');

  await messages(bob, 'line one').waitFor();
  await ann.locator('article.msg[data-status=sent]', { hasText: 'line one' }).waitFor();
  expect(await texts(ann)).toEqual(['Hi Bob, Ann here', 'Hello Ann!', 'line one']);
  expect(await texts(bob)).toEqual(['Hi Bob, Ann here', 'Hello Ann!', 'line one']);
  expect(await bob.locator('article.msg', { hasText: 'Hello Ann!' }).locator('.msg-author').textContent()).toBe('Bob');
  expect(await ann.locator('.day-separator').allTextContents()).toEqual(['Today']);
});

test('Shift+Enter makes a new line; Enter sends the whole message', async () => {
  const ann = await person('Ann', '/r/multiline');
  const box = ann.getByLabel(/^Message to #/);
  await box.fill('first');
  await box.press('Shift+Enter');
  await box.type('second');
  await box.press('Enter');
  await messages(ann, 'second').waitFor();
  expect(await texts(ann)).toEqual(['first\nsecond']);
});

test('an image uploaded by one person appears in the other view, linked to its full size', async () => {
  const ann = await person('Ann', '/r/pictures');
  const bob = await person('Bob', '/r/pictures');
  const png = makePng(96, 64, [37, 99, 235]);

  await ann.locator('input[type=file]').setInputFiles({ name: 'blue.png', mimeType: 'image/png', buffer: png });
  const thumb = bob.locator('.messages .msg-image img');
  await thumb.waitFor();
  await bob.waitForFunction(() => {
    const img = document.querySelector<HTMLImageElement>('.messages .msg-image img');
    return !!img && img.complete && img.naturalWidth === 96;
  });
  await ann.locator('article.msg[data-status=sent] .msg-image img').waitFor();

  const href = await bob.locator('.messages .msg-image').getAttribute('href');
  expect(href).toMatch(/\/images\/rooms\/pictures\/[0-9A-Z]{26}\.png$/);
  const full = await fetch(new URL(href!, server.url));
  expect(full.status).toBe(200);
  expect(Buffer.from(await full.arrayBuffer()).equals(png)).toBe(true);

  // Dropped on the room, or pasted into the message box: the same upload.
  const dropped = makePng(40, 40, [220, 38, 38]).toString('base64');
  await ann.evaluate((b64) => {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const data = new DataTransfer();
    data.items.add(new File([bytes], 'red.png', { type: 'image/png' }));
    const target = document.querySelector('app-chat-page')!;
    target.dispatchEvent(new DragEvent('dragover', { dataTransfer: data, bubbles: true, cancelable: true }));
    target.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
  }, dropped);
  await ann.evaluate((b64) => {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const data = new DataTransfer();
    data.items.add(new File([bytes], 'pasted.png', { type: 'image/png' }));
    document
      .querySelector('#composer-text')!
      .dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  }, dropped);
  await bob.waitForFunction(() => document.querySelectorAll('.messages .msg-image img').length === 3);

  // Files that are not images, or too big, are refused before any upload, with a clear message.
  await ann.locator('input[type=file]').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hello') });
  await ann.getByRole('alert').filter({ hasText: 'not an image' }).waitFor();
  await ann
    .locator('input[type=file]')
    .setInputFiles({ name: 'huge.png', mimeType: 'image/png', buffer: Buffer.alloc(5 * 1024 * 1024 + 1) });
  await ann.getByRole('alert').filter({ hasText: 'images can be at most 5.0 MB' }).waitFor();
  expect(await ann.locator('.messages .msg-image').count()).toBe(3);
  expect(await bob.locator('.messages .msg-image').count()).toBe(3);
});

test('HTML in messages is shown literally, never run', async () => {
  const ann = await person('Ann', '/r/html');
  const bob = await person('Bob', '/r/html');
  const bold = '<b>x</b>';
  const img = '<img src=x onerror="window.__pwned = 1">';

  await send(ann, bold);
  await send(ann, img);
  await messages(bob, img).waitFor();

  expect(await texts(bob)).toEqual([bold, img]);
  expect(await bob.locator('.messages b, .messages .msg-text img').count()).toBe(0);
  expect(await bob.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
});

test('a reload shows the history, in order, without duplicates', async () => {
  const ann = await person('Ann', '/r/history');
  for (const text of ['one', 'two', 'three']) await send(ann, text);
  await ann.locator('article.msg[data-status=sent]', { hasText: 'three' }).waitFor();

  await ann.reload();
  await messages(ann, 'three').waitFor();
  await connected(ann);
  expect(await texts(ann)).toEqual(['one', 'two', 'three']);
  // The name was kept: no prompt after a reload.
  expect(await ann.getByLabel('Choose a display name to start chatting').count()).toBe(0);
});

test('scrolling up loads older pages without jumping', async () => {
  const ann = await person('Ann', '/r/long');
  // 70 messages: more than the first page (50).
  for (let i = 1; i <= 70; i++) await send(ann, `message ${String(i).padStart(2, '0')}`);
  await ann.locator('article.msg[data-status=sent]', { hasText: 'message 70' }).waitFor();

  const reader = await person('Bob', '/r/long');
  await messages(reader, 'message 70').waitFor();
  expect(await messages(reader).count()).toBe(50);
  const scroller = reader.locator('.scroller');
  // Opening a room shows its newest messages at the bottom.
  expect(await scroller.evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight)).toBeLessThan(5);

  const topOf21 = (el: Element) =>
    [...el.querySelectorAll('article.msg')].find((a) => a.textContent?.includes('message 21'))!.getBoundingClientRect().top;
  // Measured in the same task as the scroll, before the page of older messages can arrive.
  const before = await scroller.evaluate((el, fn) => {
    el.scrollTop = 0;
    return new Function('el', `return (${fn})(el)`)(el) as number;
  }, topOf21.toString());
  await messages(reader, 'message 01').waitFor();
  await reader.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  const after = await scroller.evaluate((el, fn) => new Function('el', `return (${fn})(el)`)(el) as number, topOf21.toString());
  expect(await messages(reader).count()).toBe(70);
  expect(Math.abs(after - before)).toBeLessThan(40);
  expect((await texts(reader))[0]).toBe('message 01');
  await reader.getByText('This is the start of #long.').waitFor();

  // Scrolled up, a new message does not yank the reader down: a marker offers it instead.
  await send(ann, 'message 71');
  const marker = reader.getByRole('button', { name: /1 new message/ });
  await marker.waitFor();
  expect(await scroller.evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight)).toBeGreaterThan(500);
  await marker.click();
  await marker.waitFor({ state: 'detached' });
  expect(await scroller.evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight)).toBeLessThan(5);
  expect((await texts(reader)).at(-1)).toBe('message 71');
});

test('going offline and back catches up on what was missed, without duplicates', async () => {
  const ann = await person('Ann', '/r/offline');
  const bob = await person('Bob', '/r/offline');
  await send(ann, 'before');
  await messages(bob, 'before').waitFor();

  await bob.context().setOffline(true);
  await bob.locator('[data-status=offline]').waitFor();
  await send(ann, 'while away 1');
  await send(ann, 'while away 2');
  await ann.locator('article.msg[data-status=sent]', { hasText: 'while away 2' }).waitFor();
  expect(await messages(bob, 'while away').count()).toBe(0);

  await bob.context().setOffline(false);
  await messages(bob, 'while away 2').waitFor();
  await connected(bob);
  await send(ann, 'after');
  await messages(bob, 'after').waitFor();
  expect(await texts(bob)).toEqual(['before', 'while away 1', 'while away 2', 'after']);
});

test('rooms do not leak into each other', async () => {
  const ann = await person('Ann', '/r/alpha');
  // Bob's socket traffic shows which rooms the server still sends him, whatever his view filters.
  const bobContext = await newContext(browser);
  contexts.push(bobContext);
  const frames = socketFrames(bobContext);
  const bob = await openChat(bobContext, server.url, 'Bob', '/r/beta');
  pages.push(bob);
  await send(ann, 'only in alpha');
  await send(bob, 'only in beta');
  await ann.locator('article.msg[data-status=sent]', { hasText: 'only in alpha' }).waitFor();
  await bob.locator('article.msg[data-status=sent]', { hasText: 'only in beta' }).waitFor();

  // Bob switches rooms with the room box; the URL follows.
  await bob.getByLabel('Room name').fill('Alpha');
  await bob.getByLabel('Room name').press('Enter');
  await bob.waitForURL(/\/r\/alpha$/);
  await messages(bob, 'only in alpha').waitFor();
  expect(await texts(bob)).toEqual(['only in alpha']);

  await send(ann, 'alpha again');
  await messages(bob, 'alpha again').waitFor();
  expect(await texts(ann)).toEqual(['only in alpha', 'alpha again']);
  expect(await texts(bob)).toEqual(['only in alpha', 'alpha again']);

  // The capture sees the WebSocket: alpha's live message reached Bob through it.
  expect(frames.received.some((f) => f.includes('"newMessage"') && f.includes('alpha again'))).toBe(true);

  // And back: beta still has only its own message, and alpha's later message did not follow Bob there…
  await bob.goBack();
  await messages(bob, 'only in beta').waitFor();
  expect(await texts(bob)).toEqual(['only in beta']);
  await send(ann, 'alpha while bob is in beta');
  await ann.locator('article.msg[data-status=sent]', { hasText: 'alpha while bob is in beta' }).waitFor();
  // …it counts as unread in alpha, which stays in his room list (joined, for that count).
  await bob.locator('.room-chip[data-room="alpha"] .unread-badge', { hasText: '1' }).waitFor();
  expect(await texts(bob)).toEqual(['only in beta']);

  // Taking alpha off the list leaves it: the server confirms…
  await bob.getByRole('button', { name: 'Leave #alpha' }).click();
  await eventually(
    () => {
      const leave = frames.sent.map((f) => /^42(\d+)\["leave","alpha"\]$/.exec(f)).find((m) => m);
      return !!leave && frames.received.includes(`43${leave[1]}[{"ok":true,"room":"alpha"}]`);
    },
    30_000,
    'the server to acknowledge leave("alpha")',
    () => `sent ${JSON.stringify(frames.sent.slice(-5))}, received ${JSON.stringify(frames.received.slice(-5))}`,
  );
  // …so a later alpha message is neither shown to him nor even sent to him.
  await send(ann, 'alpha after bob left');
  await ann.locator('article.msg[data-status=sent]', { hasText: 'alpha after bob left' }).waitFor();
  await send(bob, 'beta after');
  await messages(bob, 'beta after').waitFor();
  expect(await texts(bob)).toEqual(['only in beta', 'beta after']);
  expect(frames.received.filter((f) => f.includes('alpha after bob left'))).toEqual([]);
});
