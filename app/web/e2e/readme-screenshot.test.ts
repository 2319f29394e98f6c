import fs from 'node:fs';
import path from 'node:path';
import { launchBrowser } from './support/browser';
import { messages, openChat, send } from './support/chat-page';
import { makePng } from './support/png';
import { startChat, tempDataDir } from './support/server';

/**
 * Regenerates docs/screenshot.png, the picture in the README. Not part of the normal run (the image is
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
    await ann.locator('input[type=file]').setInputFiles({ name: 'chart.png', mimeType: 'image/png', buffer: makePng(240, 120, [37, 99, 235]) });
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
