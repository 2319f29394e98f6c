import fs from 'node:fs';
import { io, type Socket } from 'socket.io-client';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { DeleteAck, HistoryResponse } from '@chat/protocol';
import { axeViolations } from './support/axe';
import { launchBrowser, newContext, saveScreenshots } from './support/browser';
import { messages, openChat, roomChip, send, setHidden, socketFrames, texts, waitForPresence, waitForTitle } from './support/chat-page';
import { startChat, tempDataDir, type ChatServer } from './support/server';
import { eventually } from '../../server/test/support/eventually';

/** Presence, typing, unread rooms, notifications and deletes, with two and three people. */
const ADMIN_TOKEN = 'e2e-moderator-token-0123456789abcdef';

let server: ChatServer;
let dataDir: string;
let browser: Browser;
let contexts: BrowserContext[] = [];
let pages: Page[] = [];
let sockets: Socket[] = [];

beforeAll(async () => {
  dataDir = tempDataDir();
  server = await startChat(dataDir, 0, { ADMIN_TOKEN });
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

async function browserFor(): Promise<BrowserContext> {
  const context = await newContext(browser);
  contexts.push(context);
  return context;
}

async function person(name: string, path: string, context?: BrowserContext): Promise<Page> {
  const page = await openChat(context ?? (await browserFor()), server.url, name, path);
  pages.push(page);
  return page;
}

async function seqOf(room: string, text: string): Promise<string> {
  const res = await fetch(`${server.url}/history?room=${room}&limit=200`);
  const body = (await res.json()) as HistoryResponse;
  const m = body.messages.find((x) => x.text === text);
  if (!m) throw new Error(`no message "${text}" in ${room}`);
  return m.seq;
}

test('presence: who is online appears and goes away, one entry per browser', async () => {
  const ann = await person('Ann', '/r/presence');
  await waitForPresence(ann, ['Ann (you)']);
  const bobBrowser = await browserFor();
  const bob = await person('Bob', '/r/presence', bobBrowser);
  await waitForPresence(ann, ['Ann (you)', 'Bob']);
  await waitForPresence(bob, ['Bob (you)', 'Ann']);

  // A second tab of Bob's browser is still one Bob.
  const bobTab2 = await person('Bob', '/r/presence', bobBrowser);
  await waitForPresence(bobTab2, ['Bob (you)', 'Ann']);
  await ann.locator('.presence-count').filter({ hasText: '2 online' }).waitFor();

  // A third person with the same name is another browser: listed separately.
  const otherBob = await person('Bob', '/r/presence');
  await waitForPresence(ann, ['Ann (you)', 'Bob', 'Bob']);
  await otherBob.close();
  await waitForPresence(ann, ['Ann (you)', 'Bob']);

  // Bob closes one tab: still online. Closes the browser: gone.
  await bobTab2.close();
  await waitForPresence(ann, ['Ann (you)', 'Bob']);
  await bobBrowser.close();
  await waitForPresence(ann, ['Ann (you)']);

  // A name change shows up in the others' list.
  const cy = await person('Cy', '/r/presence');
  await waitForPresence(ann, ['Ann (you)', 'Cy']);
  await cy.getByRole('button', { name: 'Change name' }).click();
  await cy.getByLabel('Your display name').fill('Cyril');
  await cy.getByRole('button', { name: 'Save' }).click();
  await waitForPresence(ann, ['Ann (you)', 'Cyril']);
});

test('typing: shown to the others, throttled, gone on send and after ~5 s without keystrokes', async () => {
  const annBrowser = await browserFor();
  const annFrames = socketFrames(annBrowser);
  const ann = await person('Ann', '/r/typing', annBrowser);
  const bobBrowser = await browserFor();
  const bobFrames = socketFrames(bobBrowser);
  const bob = await person('Bob', '/r/typing', bobBrowser);
  const cy = await person('Cy', '/r/typing');
  const typingLine = (page: Page) => page.locator('.typing');

  const annBox = ann.getByLabel(/^Message to #/);
  const cyBox = cy.getByLabel(/^Message to #/);
  // The frame capture sees only the WebSocket: wait for Socket.IO's CONNECT (packet "40") on it.
  await eventually(
    () => annFrames.sent.some((f) => f.startsWith('40')),
    30_000,
    "Socket.IO's CONNECT on Ann's WebSocket",
    () => JSON.stringify(annFrames.sent.slice(0, 5)),
  );
  // WebSocket first: Engine.IO's handshake (packet "0") came over the WebSocket, not over long-polling then an upgrade.
  expect(annFrames.received[0]).toMatch(/^0\{"sid":/);
  expect(annFrames.sent).not.toContain('2probe');
  const started = Date.now();
  await annBox.pressSequentially('hello there', { delay: 20 });
  const typedFor = Date.now() - started;
  // Names isolated (FSI … PDI): one typed with bidi controls cannot turn the sentence around.
  await typingLine(bob).filter({ hasText: '\u2068Ann\u2069 is typing…' }).waitFor();
  await typingLine(cy).filter({ hasText: '\u2068Ann\u2069 is typing…' }).waitFor();
  // Nobody is told they are typing themselves.
  expect(await typingLine(ann).textContent()).toBe('');
  // Eleven keystrokes, but typing:true at most once per 2 s of typing (however slow this machine typed them).
  const trues = annFrames.sent.filter((f) => f.includes('"typing",{"room":"typing","typing":true}'));
  expect(trues.length).toBeGreaterThanOrEqual(1);
  expect(trues.length).toBeLessThanOrEqual(1 + Math.floor(typedFor / 2000));

  // Both keep typing (each keystroke at most refreshes their entry) until Bob sees both.
  await eventually(
    async () => {
      await annBox.press('x');
      await cyBox.press('y');
      return (await typingLine(bob).textContent()) === '\u2068Ann\u2069 and \u2068Cy\u2069 are typing…';
    },
    30_000,
    'Bob to see that Ann and Cy are typing',
    async () => JSON.stringify(await typingLine(bob).textContent()),
  );

  // Ann sends: when her message shows, her entry is gone with it.
  await annBox.press('Enter');
  await messages(bob, 'hello there').waitFor();
  expect(await typingLine(bob).textContent()).not.toContain('Ann');

  // Cy stops typing without sending or leaving the box: the entry expires by itself, with no typing:false sent.
  await typingLine(bob).filter({ hasText: /^$/ }).waitFor({ timeout: 20_000 });
  expect(await cyBox.inputValue()).toMatch(/^y+$/);
  expect(bobFrames.received.filter((f) => f.includes('"typing"') && f.includes('"author":"Cy"') && f.includes('"typing":false'))).toEqual(
    [],
  );
  // Emptying the box says so at once.
  await annBox.fill('again');
  await typingLine(bob).filter({ hasText: '\u2068Ann\u2069 is typing…' }).waitFor();
  await annBox.fill('');
  await typingLine(bob).filter({ hasText: /^$/ }).waitFor();
});

test('unread rooms: counts while elsewhere and after being away, the "New messages" line and the title badge', async () => {
  const ann = await person('Ann', '/r/unread-a');
  const bobBrowser = await browserFor();
  let bob = await person('Bob', '/r/unread-a', bobBrowser);
  await send(ann, 'read by Bob');
  await messages(bob, 'read by Bob').waitFor();

  // Bob goes to another room; unread-a stays in his room list.
  await bob.getByLabel('Room name').fill('unread-b');
  await bob.getByLabel('Room name').press('Enter');
  await bob.waitForURL(/\/r\/unread-b$/);
  await waitForTitle(bob, '#unread-b · Chat');
  await roomChip(bob, 'unread-a').waitFor();

  for (const t of ['one', 'two', 'three']) await send(ann, t);
  await roomChip(bob, 'unread-a').locator('.unread-badge').filter({ hasText: /^3$/ }).waitFor();
  await waitForTitle(bob, '(3) #unread-b · Chat');
  expect(await texts(bob)).toEqual([]);

  // Back in the room: read, and the line sits above the first unread message.
  await roomChip(bob, 'unread-a').getByRole('link').click();
  await messages(bob, 'three').waitFor();
  await waitForTitle(bob, '#unread-a · Chat');
  expect(await roomChip(bob, 'unread-a').locator('.unread-badge').count()).toBe(0);
  expect(
    await bob
      .locator('.messages > li')
      .evaluateAll((lis) =>
        lis.map((li) => (li.classList.contains('new-divider') ? '--new--' : (li.querySelector('.msg-text')?.textContent ?? ''))),
      ),
  ).toEqual(['', 'read by Bob', '--new--', 'one', 'two', 'three']);
  // The room list, the presence line and the New messages line pass axe's WCAG A/AA rules.
  expect(await axeViolations(bob)).toEqual([]);

  // Away (tab closed), then back in another room: the count comes from history.
  await bob.getByLabel('Room name').fill('unread-b');
  await bob.getByLabel('Room name').press('Enter');
  await bob.waitForURL(/\/r\/unread-b$/);
  await bob.close();
  await send(ann, 'while away 1');
  await send(ann, 'while away 2');
  await ann.locator('article.msg[data-status=sent]', { hasText: 'while away 2' }).waitFor();
  bob = await person('Bob', '/r/unread-b', bobBrowser);
  await roomChip(bob, 'unread-a').locator('.unread-badge').filter({ hasText: /^2$/ }).waitFor();
  await waitForTitle(bob, '(2) #unread-b · Chat');

  // Leaving a room takes it off the list, and its messages stop coming.
  await bob.getByRole('button', { name: 'Leave #unread-a' }).click();
  await roomChip(bob, 'unread-a').waitFor({ state: 'detached' });
  await waitForTitle(bob, '#unread-b · Chat');
});

test('notifications: only after opting in, for a message while the tab is in the background', async () => {
  const bobBrowser = await browserFor();
  await bobBrowser.grantPermissions(['notifications']);
  // Records what the page shows, then shows it for real.
  await bobBrowser.addInitScript(() => {
    const Real = window.Notification;
    const shown: string[] = ((window as unknown as { __shown: string[] }).__shown = []);
    class Recorded extends Real {
      constructor(title: string, options?: NotificationOptions) {
        // Recorded first: what matters here is that the app asked to notify, whatever the headless shell shows.
        shown.push(`${title}: ${options?.body ?? ''}`);
        super(title, options);
      }
    }
    Object.defineProperty(window, 'Notification', { value: Recorded, configurable: true });
  });
  const shown = (page: Page) => page.evaluate(() => (window as unknown as { __shown: string[] }).__shown);
  const ann = await person('Ann', '/r/notify');
  const bob = await person('Bob', '/r/notify', bobBrowser);

  await setHidden(bob, true);
  await send(ann, 'before opting in');
  await messages(bob, 'before opting in').waitFor();
  expect(await shown(bob)).toEqual([]);

  await setHidden(bob, false);
  await bob.getByRole('button', { name: 'Enable notifications' }).click();
  await bob.getByRole('button', { name: 'Notifications on' }).waitFor();
  await send(ann, 'while Bob looks');
  await messages(bob, 'while Bob looks').waitFor();
  expect(await shown(bob)).toEqual([]);

  await setHidden(bob, true);
  await send(ann, 'in the background');
  await bob.waitForFunction(() => (window as unknown as { __shown: string[] }).__shown.length > 0);
  expect(await shown(bob)).toEqual(['\u2068Ann\u2069 in #notify: in the background']);
  // And the hidden tab's title counts it.
  await waitForTitle(bob, '(1) #notify · Chat');
  await setHidden(bob, false);
  await waitForTitle(bob, '#notify · Chat');
});

test('delete: only the author is offered it; it shows live and after a reload; a forged delete is refused', async () => {
  const ann = await person('Ann', '/r/deletes');
  const bob = await person('Bob', '/r/deletes');
  const cy = await person('Cy', '/r/deletes');
  await send(ann, 'sent by mistake');
  await send(bob, 'Bob stays');
  for (const page of [ann, bob, cy]) await messages(page, 'Bob stays').waitFor();
  await ann.locator('article.msg[data-status=sent]', { hasText: 'sent by mistake' }).waitFor();

  const annMsg = (page: Page) => page.locator('article.msg', { hasText: 'sent by mistake' });
  await annMsg(ann).getByRole('button', { name: 'Delete this message' }).waitFor();
  // Nobody else is offered the button (Bob only on his own message).
  expect(await annMsg(bob).getByRole('button', { name: 'Delete this message' }).count()).toBe(0);
  expect(await cy.getByRole('button', { name: 'Delete this message' }).count()).toBe(0);
  expect(await bob.getByRole('button', { name: 'Delete this message' }).count()).toBe(1);

  // Cy forges a delete with a key of her own: refused, and nothing changes.
  const seq = await seqOf('deletes', 'sent by mistake');
  const forger = io(server.url, { path: '/socket.io', transports: ['websocket'], auth: { clientId: 'forger', author: 'Cy' } });
  sockets.push(forger);
  await new Promise<void>((resolve) => forger.on('connect', () => resolve()));
  // In the room, so that the refusal is about the key and nothing else.
  expect(await forger.timeout(10_000).emitWithAck('join', 'deletes')).toMatchObject({ ok: true });
  const forged: DeleteAck = await forger.timeout(10_000).emitWithAck('deleteMessage', { room: 'deletes', seq, deleteKey: 'x'.repeat(43) });
  expect(forged).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  expect(await seqOf('deletes', 'sent by mistake')).toBe(seq);

  // Ann deletes: asked first, then gone for everyone at once.
  await annMsg(ann).getByRole('button', { name: 'Delete this message' }).click();
  const confirm = ann.getByRole('group', { name: 'Confirm delete' });
  // Focus is on the confirming button, for a keyboard user; the open confirmation passes axe too.
  await confirm.waitFor();
  expect(await ann.evaluate(() => document.activeElement?.textContent?.trim())).toBe('Delete');
  expect(await axeViolations(ann)).toEqual([]);
  await confirm.getByRole('button', { name: 'Delete' }).click();
  for (const page of [ann, bob, cy]) {
    await page.locator('article.msg.deleted .msg-deleted', { hasText: 'Message deleted' }).waitFor();
    expect(await texts(page)).toEqual(['Bob stays']);
  }
  // And after a reload it comes back deleted from history.
  await bob.reload();
  await messages(bob, 'Bob stays').waitFor();
  expect(await bob.locator('article.msg.deleted').count()).toBe(1);
  expect(await texts(bob)).toEqual(['Bob stays']);
  expect(await bob.content()).not.toContain('sent by mistake');
});

test("a moderator's delete (HTTP with ADMIN_TOKEN) shows up live", async () => {
  const ann = await person('Ann', '/r/moderated');
  const bob = await person('Bob', '/r/moderated');
  await send(ann, 'needs moderation');
  await messages(bob, 'needs moderation').waitFor();
  const seq = await seqOf('moderated', 'needs moderation');

  const wrong = await fetch(`${server.url}/messages/moderated/${seq}`, {
    method: 'DELETE',
    headers: { authorization: 'Bearer not-the-token' },
  });
  expect(wrong.status).toBe(403);
  const res = await fetch(`${server.url}/messages/moderated/${seq}`, {
    method: 'DELETE',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
  });
  expect(res.status).toBe(200);
  for (const page of [ann, bob]) {
    await page.locator('article.msg.deleted', { hasText: 'Message deleted' }).waitFor();
    expect(await texts(page)).toEqual([]);
  }
});
