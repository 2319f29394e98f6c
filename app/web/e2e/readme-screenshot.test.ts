import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { launchBrowser } from './support/browser';
import { messages, openChat, send } from './support/chat-page';
import { makePng } from './support/png';
import { startChat, tempDataDir } from './support/server';

/**
 * Regenerates docs/screenshot.png, docs/screenshot-basics.png, docs/screenshot-sign-in.png and
 * docs/screenshot-edit-react-reply.png, the pictures in the READMEs. Not part of the normal run (the image is
 * committed; jest.config.js ignores this file unless asked):
 * `UPDATE_README_SCREENSHOT=1 npx jest --config app/web/e2e/jest.config.js readme-screenshot`.
 */
test('README screenshot', async () => {
  const dataDir = tempDataDir();
  const server = await startChat(dataDir);
  const browser = await launchBrowser();
  try {
    const ann = await openChat(await browser.newContext({ viewport: { width: 720, height: 600 } }), server.url, 'Ann', '/r/global');
    const bob = await openChat(
      await browser.newContext({ viewport: { width: 720, height: 600 }, deviceScaleFactor: 1 }),
      server.url,
      'Bob',
      '/r/global',
    );
    await send(ann, 'Hi Bob! The deploy finished, the chat is live on https://example.com');
    await messages(bob, 'deploy finished').waitFor();
    await send(bob, 'Nice. Latency looks good from here.');
    await messages(ann, 'Latency').waitFor();
    await ann
      .locator('input[type=file]')
      .setInputFiles({ name: 'chart.png', mimeType: 'image/png', buffer: makePng(240, 120, [37, 99, 235]) });
    await bob.locator('.messages .msg-image img').waitFor();
    await bob.waitForFunction(() => [...document.images].every((i) => i.complete && i.naturalWidth > 0));
    await send(bob, 'Shift+Enter for a new line,\nEnter to send.');
    await messages(bob, 'Enter to send').waitFor();
    const out = path.resolve(__dirname, '../../../docs/screenshot.png');
    fs.mkdirSync(path.dirname(out), { recursive: true });
    await bob.screenshot({ path: out });
    // The narrow layout, for a look by eye (not committed).
    await bob.setViewportSize({ width: 360, height: 640 });
    await bob.screenshot({ path: path.resolve(__dirname, '../../../test-results/web-e2e/readme-360px.png') });
  } finally {
    await browser.close();
    await server.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});

test('README screenshot of presence, typing, unread rooms and a deleted message', async () => {
  const dataDir = tempDataDir();
  const server = await startChat(dataDir);
  const browser = await launchBrowser();
  const viewport = { width: 720, height: 600 };
  try {
    const bobContext = await browser.newContext({ viewport, deviceScaleFactor: 1 });
    // Bob has been in #team before: it is in his room list.
    const bob = await openChat(bobContext, server.url, 'Bob', '/r/team');
    await bob.goto(server.url + '/r/global');
    await bob.getByLabel(/^Message to #/).waitFor();
    const annContext = await browser.newContext({ viewport });
    const ann = await openChat(annContext, server.url, 'Ann', '/r/global');
    const cy = await openChat(await browser.newContext({ viewport }), server.url, 'Cy', '/r/global');
    await bob.locator('.presence-count', { hasText: '3 online' }).waitFor();

    await send(ann, 'Morning! Release 1.4 is rolling out now.');
    await messages(bob, 'Release 1.4').waitFor();
    await send(ann, 'Oops, wrong room');
    await ann
      .locator('article.msg[data-status=sent]', { hasText: 'wrong room' })
      .getByRole('button', { name: 'Delete this message' })
      .click();
    await ann.getByRole('group', { name: 'Confirm delete' }).getByRole('button', { name: 'Delete' }).click();
    await bob.locator('article.msg.deleted').waitFor();
    await send(bob, 'Great, I will watch the dashboard.');
    await messages(cy, 'dashboard').waitFor();

    const annTeam = await openChat(annContext, server.url, 'Ann', '/r/team');
    await send(annTeam, 'Standup moved to 10:30');
    await send(annTeam, 'Notes are in the wiki');
    await bob.locator('.room-chip[data-room="team"] .unread-badge', { hasText: '2' }).waitFor();

    await cy.getByLabel(/^Message to #/).pressSequentially('Looks good so f');
    await bob.locator('.typing', { hasText: '\u2068Cy\u2069 is typing…' }).waitFor();
    await bob.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await bob.screenshot({ path: path.resolve(__dirname, '../../../docs/screenshot-basics.png') });
    await bob.setViewportSize({ width: 360, height: 640 });
    await bob.screenshot({ path: path.resolve(__dirname, '../../../test-results/web-e2e/readme-basics-360px.png') });
  } finally {
    await browser.close();
    await server.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});

test('README screenshot of the sign-in', async () => {
  const dataDir = tempDataDir();
  const server = await startChat(dataDir);
  const browser = await launchBrowser();
  try {
    const context = await browser.newContext({ viewport: { width: 720, height: 520 }, deviceScaleFactor: 1 });
    // A deployment that signs people in (config.json's auth); the screen shows before anything is asked of the issuer.
    await context.route(`${server.url}/config.json`, async (route) => {
      const res = await route.fetch();
      const auth = { mode: 'signed-in', issuer: 'https://id.example.com', clientId: 'chat-web' };
      await route.fulfill({ response: res, json: { ...((await res.json()) as object), auth } });
    });
    const page = await context.newPage();
    // Opened from an invite link, as a new team member would.
    await page.goto(`${server.url}/r/team#/invite/aW52aXRlLWV4YW1wbGU.c2lnbmF0dXJl`);
    await page.getByRole('heading', { name: 'Sign in to the chat' }).waitFor();
    await page.locator('.sign-in-invite').waitFor();
    await page.screenshot({ path: path.resolve(__dirname, '../../../docs/screenshot-sign-in.png') });
  } finally {
    await browser.close();
    await server.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});

test('README screenshot of an edit, reactions, a reply and a mention', async () => {
  const dataDir = tempDataDir();
  const server = await startChat(dataDir);
  const browser = await launchBrowser();
  const viewport = { width: 720, height: 760 };
  const bubble = async (page: Page, text: string) => {
    const b = messages(page, text);
    await b.locator('.msg-reply').waitFor();
    return b;
  };
  try {
    const ann = await openChat(await browser.newContext({ viewport, deviceScaleFactor: 1 }), server.url, 'Ann', '/r/team');
    const bob = await openChat(await browser.newContext({ viewport, deviceScaleFactor: 1 }), server.url, 'Bob', '/r/team');
    await send(ann, 'Release notes are up, please review by 3 pm');
    await (await bubble(bob, 'Release notes')).getByRole('button', { name: 'React', exact: true }).click();
    await bob.getByRole('button', { name: 'React with 🎉' }).click();
    await messages(ann, 'Release notes').locator('.chip', { hasText: '🎉' }).waitFor();
    await (await bubble(ann, 'Release notes')).getByRole('button', { name: 'React', exact: true }).click();
    await ann.getByRole('button', { name: 'React with 👍' }).click();
    await messages(bob, 'Release notes').locator('.chip', { hasText: '👍' }).waitFor();
    await (await bubble(bob, 'Release notes')).getByRole('button', { name: 'Reply' }).click();
    await send(bob, 'Looks good. One typo in the upgrade section.');
    await (await bubble(ann, 'One typo')).getByRole('button', { name: 'Reply' }).click();
    await send(ann, 'Fixed, thanks @Bob');
    const mine = await bubble(ann, 'Fixed, thanks');
    await mine.getByRole('button', { name: /^Edit/ }).click();
    const box = ann.getByLabel('Edit your message');
    await box.fill('Fixed, thanks @Bob! Also moved the date to Friday.');
    await box.press('Enter');
    await (await bubble(bob, 'moved the date')).locator('.msg-edited').waitFor();
    await bob.getByLabel(/^Message to #/).pressSequentially('@a');
    await bob.getByRole('option', { name: '@Ann' }).waitFor();
    await bob.screenshot({ path: path.resolve(__dirname, '../../../docs/screenshot-edit-react-reply.png') });
  } finally {
    await browser.close();
    await server.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
