import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, newContext, saveScreenshots } from './support/browser';
import { connected, openChat, send } from './support/chat-page';
import { startChat, tempDataDir, type ChatServer } from './support/server';

let server: ChatServer;
let dataDir: string;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let proxy: http.Server;
let proxyUrl: string;
let upgradesRefused = 0;
const polls: string[] = [];

/** A reverse proxy that carries plain HTTP only: it answers every WebSocket upgrade with 400, as such proxies do. */
function startHttpOnlyProxy(target: string): Promise<http.Server> {
  const to = new URL(target);
  const p = http.createServer((req, res) => {
    if (req.url?.includes('transport=polling')) polls.push(req.url);
    const upstream = http.request({ host: to.hostname, port: to.port, path: req.url, method: req.method, headers: req.headers }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  p.on('upgrade', (_req, socket) => {
    upgradesRefused++;
    socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
  });
  return new Promise((resolve) => p.listen(0, '127.0.0.1', () => resolve(p)));
}

beforeAll(async () => {
  dataDir = tempDataDir();
  server = await startChat(dataDir);
  proxy = await startHttpOnlyProxy(server.url);
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  browser = await launchBrowser();
  context = await newContext(browser);
});

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => (proxy ? proxy.close(resolve) : resolve(undefined)));
  await server?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

afterEach(() => saveScreenshots(page ? [page] : []));

// The client connects WebSocket first; a proxy that cannot carry WebSocket must still get a working chat.
test('falls back to long-polling when the WebSocket cannot open, and chats over it', async () => {
  page = await openChat(context, proxyUrl, 'Ann', '/r/fallback');
  await connected(page);
  await send(page, 'over polling');
  await page.locator('article.msg[data-status=sent]', { hasText: 'over polling' }).waitFor();
  expect(upgradesRefused).toBeGreaterThanOrEqual(1);
  expect(polls.length).toBeGreaterThanOrEqual(1);
  const res = await fetch(`${server.url}/history?room=fallback`);
  const body = (await res.json()) as { messages: { text?: string }[] };
  expect(body.messages.map((m) => m.text)).toEqual(['over polling']);
});
