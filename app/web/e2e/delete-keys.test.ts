import { createHmac, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { io, type Socket } from 'socket.io-client';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { HistoryResponse, SendAck } from '@chat/protocol';
import { launchBrowser, newContext, saveScreenshots } from './support/browser';
import { messages, openChat, send, socketFrames } from './support/chat-page';
import { startChat, tempDataDir, type ChatServer } from './support/server';

/**
 * Each message carries its own deleteKey, derived from the browser's secret, so a frame that leaks reveals one
 * message's key and never the secret; messages sent before that (with the secret itself) stay deletable.
 */
let server: ChatServer;
let dataDir: string;
let browser: Browser;
let contexts: BrowserContext[] = [];
let pages: Page[] = [];
let sockets: Socket[] = [];

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
  for (const s of sockets) s.disconnect();
  await Promise.all(contexts.map((c) => c.close()));
  contexts = [];
  pages = [];
  sockets = [];
});

async function person(name: string, path: string): Promise<{ page: Page; frames: { sent: string[] } }> {
  const context = await newContext(browser);
  contexts.push(context);
  const frames = socketFrames(context);
  const page = await openChat(context, server.url, name, path);
  pages.push(page);
  return { page, frames };
}

/** The payloads of the Socket.IO `event` frames sent, e.g. `42["sendMessage",{...}]` or with an ack id `421[...]`. */
function sentEvents(frames: string[], event: string): Record<string, unknown>[] {
  return frames
    .filter((f) => /^42\d*\[/.test(f))
    .map((f) => JSON.parse(f.slice(f.indexOf('['))) as [string, Record<string, unknown>])
    .filter(([name]) => name === event)
    .map(([, body]) => body);
}

async function historyOf(room: string): Promise<HistoryResponse['messages']> {
  const res = await fetch(`${server.url}/history?room=${room}&limit=200`);
  return ((await res.json()) as HistoryResponse).messages;
}

/** Deletes the message showing `text` as its author would, and waits until the page shows `deleted` deleted ones. */
async function deleteFromUi(page: Page, text: string, deleted: number): Promise<void> {
  await page.locator('article.msg', { hasText: text }).getByRole('button', { name: 'Delete this message' }).click();
  await page.getByRole('group', { name: 'Confirm delete' }).getByRole('button', { name: 'Delete' }).click();
  await page
    .locator('article.msg.deleted')
    .nth(deleted - 1)
    .waitFor();
}

test("a message's deleteKey is its own proof, never the browser's secret; its author deletes it after a reload", async () => {
  const { page: ann, frames } = await person('Ann', '/r/proofs');
  await send(ann, 'first');
  await send(ann, 'second');
  await ann.locator('article.msg[data-status=sent]', { hasText: 'second' }).waitFor();

  const secret = await ann.evaluate(() => localStorage.getItem('chat.deleteKey'));
  expect(secret).toMatch(/^[A-Za-z0-9_-]{22,128}$/);
  const sends = sentEvents(frames.sent, 'sendMessage');
  expect(sends.map((m) => m['text'])).toEqual(['first', 'second']);
  for (const m of sends) {
    // HMAC-SHA256(secret, room + "\n" + id), hex: one key per message, which the server only hashes and stores.
    expect(m['deleteKey']).toBe(
      createHmac('sha256', secret!)
        .update(`proofs\n${String(m['id'])}`)
        .digest('hex'),
    );
  }
  expect(sends[0]!['deleteKey']).not.toBe(sends[1]!['deleteKey']);
  expect(frames.sent.some((f) => f.includes(secret!))).toBe(false);

  // After a reload the page still knows its own messages and the key of each.
  await ann.reload();
  await messages(ann, 'second').waitFor();
  await deleteFromUi(ann, 'first', 1);
  const deletes = sentEvents(frames.sent, 'deleteMessage');
  expect(deletes).toHaveLength(1);
  expect(deletes[0]!['deleteKey']).toBe(sends[0]!['deleteKey']);
  expect(frames.sent.some((f) => f.includes(secret!))).toBe(false);
  const history = await historyOf('proofs');
  expect(history.map((m) => [m.text, !!m.deletedAt])).toEqual([
    [undefined, true],
    ['second', false],
  ]);
});

test('a message sent before per-message keys, with the secret itself, can still be deleted by its browser', async () => {
  const { page: ann, frames } = await person('Ann', '/r/legacy');
  // What an earlier version of the page left behind: the browser's secret, a message sent with it as its
  // deleteKey, and that message's id in the list of own messages (the same list, in the same form, as then).
  const secret = randomBytes(32).toString('base64url');
  const id = `old-${randomBytes(6).toString('hex')}`;
  const oldPage = io(server.url, { path: '/socket.io', transports: ['websocket'] });
  sockets.push(oldPage);
  await new Promise<void>((resolve) => oldPage.on('connect', () => resolve()));
  const ack: SendAck = await oldPage
    .timeout(10_000)
    .emitWithAck('sendMessage', { id, room: 'legacy', author: 'Ann', text: 'from the old page', deleteKey: secret });
  expect(ack).toMatchObject({ ok: true, id });
  await ann.evaluate(
    ({ secret, id }) => {
      localStorage.setItem('chat.deleteKey', secret);
      localStorage.setItem('chat.sent.legacy', JSON.stringify([id]));
    },
    { secret, id },
  );

  await ann.reload();
  await messages(ann, 'from the old page').waitFor();
  // A new message beside it gets a key of its own.
  await send(ann, 'from the new page');
  await ann.locator('article.msg[data-status=sent]', { hasText: 'from the new page' }).waitFor();
  expect(sentEvents(frames.sent, 'sendMessage').map((m) => m['deleteKey'] === secret)).toEqual([false]);

  await deleteFromUi(ann, 'from the old page', 1);
  expect(sentEvents(frames.sent, 'deleteMessage').map((d) => d['deleteKey'])).toEqual([secret]);
  await deleteFromUi(ann, 'from the new page', 2);
  const deletes = sentEvents(frames.sent, 'deleteMessage');
  expect(deletes).toHaveLength(2);
  expect(deletes[1]!['deleteKey']).not.toBe(secret);
  expect((await historyOf('legacy')).map((m) => [m.id === id, !!m.deletedAt])).toEqual([
    [true, true],
    [false, true],
  ]);
});
