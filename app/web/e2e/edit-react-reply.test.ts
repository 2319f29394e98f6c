import fs from 'node:fs';
import { io, type Socket } from 'socket.io-client';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { HistoryResponse, SendAck } from '@chat/protocol';
import { axeViolations } from './support/axe';
import { launchBrowser, newContext, saveScreenshots } from './support/browser';
import { messages, openChat, roomChip, send } from './support/chat-page';
import { startChat, tempDataDir, type ChatServer } from './support/server';

/** Editing one's own message, reactions, replies and mentions, between two people in two browsers. */
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

async function person(name: string, path: string): Promise<Page> {
  const context = await newContext(browser);
  contexts.push(context);
  const page = await openChat(context, server.url, name, path);
  pages.push(page);
  return page;
}

/** The bubble of the message whose text contains `text`, once its actions (a lazy chunk) are there. */
async function bubble(page: Page, text: string) {
  const b = messages(page, text);
  await b.locator('.msg-reply').waitFor();
  return b;
}

async function seqOf(room: string, text: string): Promise<string> {
  const body = (await (await fetch(`${server.url}/history?room=${room}&limit=200`)).json()) as HistoryResponse;
  const m = body.messages.find((x) => x.text === text);
  if (!m) throw new Error(`no message "${text}" in ${room}`);
  return m.seq;
}

test('an edit shows live for the other person and after a reload, marked edited, in its place', async () => {
  const room = 'edits';
  const ann = await person('Ann', `/r/${room}`);
  const bob = await person('Bob', `/r/${room}`);
  await send(ann, 'see you at 10');
  await send(ann, 'bring the slides');
  await messages(bob, 'bring the slides').waitFor();
  // Bob is offered no edit of Ann's message.
  await (await bubble(bob, 'see you at 10')).locator('.msg-reply').waitFor();
  expect(await messages(bob, 'see you at 10').getByRole('button', { name: /^Edit/ }).count()).toBe(0);

  const mine = await bubble(ann, 'see you at 10');
  await mine.getByRole('button', { name: 'Edit this message: see you at 10' }).click();
  const box = ann.getByLabel('Edit your message');
  expect(await box.evaluate((el) => el === document.activeElement)).toBe(true);
  await box.fill('see you at 11');
  await box.press('Enter');

  for (const page of [ann, bob]) {
    const edited = messages(page, 'see you at 11');
    await edited.locator('.msg-edited', { hasText: '(edited)' }).waitFor();
    expect(await page.locator('.messages .msg-text').allTextContents()).toEqual(['see you at 11', 'bring the slides']);
  }
  await bob.reload();
  await messages(bob, 'see you at 11').locator('.msg-edited').waitFor();
  expect(await bob.locator('.messages .msg-text').allTextContents()).toEqual(['see you at 11', 'bring the slides']);
});

test('reactions toggle and count for both people, own ones pressed, also after a reload; axe finds nothing serious', async () => {
  const room = 'reactions';
  const ann = await person('Ann', `/r/${room}`);
  const bob = await person('Bob', `/r/${room}`);
  await send(ann, 'ship it?');
  const chip = (page: Page, emoji: string) => messages(page, 'ship it?').locator('.msg-actions .chip', { hasText: emoji });

  // Bob from the keyboard: React opens the picker, Enter on an emoji reacts.
  const react = (await bubble(bob, 'ship it?')).getByRole('button', { name: 'React', exact: true });
  await react.focus();
  await bob.keyboard.press('Enter');
  await bob.getByRole('button', { name: 'React with 👍' }).focus();
  await bob.keyboard.press('Enter');
  await chip(bob, '👍').and(bob.locator('[aria-pressed=true]')).filter({ hasText: '1' }).waitFor();
  await chip(ann, '👍').and(ann.locator('[aria-pressed=false]')).filter({ hasText: '1' }).waitFor();

  // Ann adds hers with the chip: 2, pressed for her only.
  await chip(ann, '👍').click();
  await chip(ann, '👍').and(ann.locator('[aria-pressed=true]')).filter({ hasText: '2' }).waitFor();
  await chip(bob, '👍').filter({ hasText: '2' }).waitFor();
  expect({ violations: await axeViolations(bob) }).toEqual({ violations: [] });

  // Bob takes his back: 1, and after a reload Ann's is still hers.
  await chip(bob, '👍').click();
  await chip(bob, '👍').and(bob.locator('[aria-pressed=false]')).filter({ hasText: '1' }).waitFor();
  await chip(ann, '👍').filter({ hasText: '1' }).waitFor();
  await ann.reload();
  await chip(ann, '👍').and(ann.locator('[aria-pressed=true]')).filter({ hasText: '1' }).waitFor();
});

test('a reply quotes its original, and the quote jumps to it, reading older pages until it is there', async () => {
  const room = 'replies';
  const ann = await person('Ann', `/r/${room}`);
  await send(ann, 'who has the keys?');
  await messages(ann, 'who has the keys?').and(ann.locator('[data-status=sent]')).waitFor();
  const original = await seqOf(room, 'who has the keys?');
  // Sixty messages later (more than a history page), Bob answers it from his own client.
  const socket: Socket = io(server.url, {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    auth: { clientId: 'bob-e2e', author: 'Bob' },
  });
  try {
    await new Promise<void>((resolve, reject) => (socket.once('connect', resolve), socket.once('connect_error', reject)));
    await socket.timeout(10_000).emitWithAck('join', room);
    for (let i = 0; i < 60; i++) {
      const ack = (await socket
        .timeout(10_000)
        .emitWithAck('sendMessage', { id: `filler-${i}`, room, author: 'Bob', text: `filler ${i}` })) as SendAck;
      expect(ack).toMatchObject({ ok: true });
    }
    const ack = (await socket
      .timeout(10_000)
      .emitWithAck('sendMessage', { id: 'answer', room, author: 'Bob', text: 'I do', replyTo: original })) as SendAck;
    expect(ack).toMatchObject({ ok: true });
  } finally {
    socket.close();
  }

  const cy = await person('Cy', `/r/${room}`);
  const answer = await bubble(cy, 'I do');
  const quote = answer.locator('.msg-quote');
  await quote.filter({ hasText: 'an earlier message' }).waitFor();
  await quote.click();
  await cy.waitForFunction(() => document.activeElement?.textContent?.includes('who has the keys?'));
  await quote.filter({ hasText: 'Ann: who has the keys?' }).waitFor();
  expect(await messages(cy, 'who has the keys?').isVisible()).toBe(true);

  // Cy replies with the Reply action: the composer shows what it answers, and the message carries it.
  await (await bubble(cy, 'filler 59')).getByRole('button', { name: 'Reply' }).click();
  await cy.locator('.composer-reply', { hasText: 'Replying to Bob: filler 59' }).waitFor();
  expect(await cy.evaluate(() => document.activeElement?.id)).toBe('composer-text');
  await send(cy, 'thanks');
  await cy.locator('.composer-reply').waitFor({ state: 'detached' });
  await (await bubble(ann, 'thanks')).locator('.msg-quote', { hasText: 'Bob: filler 59' }).waitFor();
  // Ann followed the conversation at the bottom: she still does, though each message's actions came after it.
  await ann.waitForFunction(() => {
    const el = document.querySelector('.scroller')!;
    return el.scrollHeight - el.scrollTop - el.clientHeight < 2;
  });
});

test('a message that mentions you is highlighted, and counted apart in the room list', async () => {
  const ann = await person('Ann', '/r/mentions');
  const bob = await person('Bob', '/r/mentions');
  await send(bob, 'hey @Ann, look at this');
  await (await bubble(ann, 'hey @Ann')).locator('.msg-mention', { hasText: 'Mentions you' }).waitFor();
  expect(await messages(bob, 'hey @Ann').locator('.msg-mention').count()).toBe(0);

  // Ann answers: @ completes from who is online in the room.
  const box = ann.getByLabel(/^Message to #/);
  await box.pressSequentially('thanks @b');
  await ann.getByRole('option', { name: '@Bob' }).waitFor();
  expect({ violations: await axeViolations(ann) }).toEqual({ violations: [] });
  await box.press('Enter');
  expect(await box.inputValue()).toBe('thanks @Bob ');
  await box.press('Enter');
  await (await bubble(bob, 'thanks @Bob')).locator('.msg-mention').waitFor();

  // Ann in another room: Bob's two new messages, one of them for her.
  await ann.goto(`${server.url}/r/elsewhere`);
  await ann.getByLabel(/^Message to #elsewhere/).waitFor();
  await roomChip(ann, 'mentions').waitFor();
  await send(bob, 'just chatting');
  await send(bob, '@ann are you there?');
  await roomChip(ann, 'mentions').locator('.mention-badge', { hasText: '@1 · 2' }).waitFor();
  expect(await roomChip(ann, 'mentions').textContent()).toContain('2 unread, 1 mentioning you');
});
