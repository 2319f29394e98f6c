import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { assetsRouter, webCacheControl } from './assets';

describe('serving the web build', () => {
  let server: Server;
  let url: string;
  beforeAll(async () => {
    const web = fs.mkdtempSync(path.join(os.tmpdir(), 'chat-web-files-'));
    fs.writeFileSync(path.join(web, 'index.html'), '<!doctype html><title>chat</title>');
    fs.writeFileSync(path.join(web, 'robots.txt'), 'User-agent: *\nAllow: /\n');
    fs.writeFileSync(path.join(web, 'manifest.webmanifest'), '{"name":"Chat"}');
    fs.writeFileSync(path.join(web, 'chunk-EGDUX52C.js'), 'export {};');
    const app = express();
    app.use(assetsRouter({ webDir: web, maxUploadBytes: 1024, reactionEmoji: ['👍', '🎉'], auth: { mode: 'open' } }));
    app.use((_req, res) => void res.status(404).json({ error: { code: 'not_found', message: 'not found' } }));
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  // Lighthouse and crawlers ask with Accept: */*, which the app's HTML fallback used to answer for every path.
  test('robots.txt is the file, not the app', async () => {
    const res = await fetch(`${url}/robots.txt`, { headers: { Accept: '*/*' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await res.text()).toContain('User-agent: *');
    expect(res.headers.get('cache-control')).toBe('public, max-age=300');
  });

  test('a missing file is a 404, even when the client accepts HTML; app routes still get index.html', async () => {
    const missing = await fetch(`${url}/favicon.ico`, { headers: { Accept: 'text/html,*/*' } });
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toMatch(/json/);
    const route = await fetch(`${url}/r/team-chat`, { headers: { Accept: 'text/html' } });
    expect(route.status).toBe(200);
    expect(await route.text()).toContain('<title>chat</title>');
    expect(route.headers.get('cache-control')).toBe('no-cache');
  });

  test('config.json tells the app its API, upload limits and reactions, revalidated on every load', async () => {
    const res = await fetch(`${url}/config.json`);
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(await res.json()).toMatchObject({ apiUrl: '', maxUploadBytes: 1024, reactions: ['👍', '🎉'] });
  });

  test('the manifest is served with its web type', async () => {
    const res = await fetch(`${url}/manifest.webmanifest`);
    expect(res.headers.get('content-type')).toMatch(/^application\/manifest\+json/);
  });

  test.each([
    ['main-QMQKELKO.js', 'public, max-age=31536000, immutable'],
    ['chunk-EGDUX52C.js', 'public, max-age=31536000, immutable'],
    ['styles-BUQBL6UZ.css', 'public, max-age=31536000, immutable'],
    ['index.html', 'no-cache'],
    ['robots.txt', 'public, max-age=300'],
    ['icons/icon-192.png', 'public, max-age=300'],
    ['favicon.ico', 'public, max-age=300'],
  ])('%s: %s', (file, expected) => {
    expect(webCacheControl(file)).toBe(expected);
  });
});
