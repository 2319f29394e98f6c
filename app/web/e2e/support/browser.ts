import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const ARTIFACTS = path.resolve(__dirname, '../../../../test-results/web-e2e');

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
}

export async function newContext(browser: Browser): Promise<BrowserContext> {
  return browser.newContext({ viewport: { width: 900, height: 700 }, locale: 'en-GB', timezoneId: 'UTC' });
}

/** Saves one screenshot per page for the test that just ran (test-results/ is git-ignored). */
export async function saveScreenshots(pages: Page[]): Promise<void> {
  const name = (expect.getState().currentTestName ?? 'test')
    .replace(/[^a-z0-9]+/gi, '-')
    .replace(/^-|-$/g, '')
    .toLowerCase();
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  await Promise.all(
    pages.map((page, i) =>
      page.isClosed()
        ? Promise.resolve(undefined)
        : page.screenshot({ path: path.join(ARTIFACTS, `${name}-${i + 1}.png`) }).catch(() => undefined),
    ),
  );
}
