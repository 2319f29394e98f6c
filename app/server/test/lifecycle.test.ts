import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { io } from 'socket.io-client';
import type { ChatMessage } from '@chat/protocol';
import { TestBackend } from './support/backends';
import { ChatClient } from './support/chat-client';

const MAIN = path.resolve(__dirname, '../dist/main.js');

function runMain(env: Record<string, string>) {
  const child = spawn(process.execPath, [MAIN], { env: { PATH: process.env['PATH'] ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, output: () => out };
}

describe('the server process', () => {
  test('prints its URL, serves, and stops cleanly on SIGTERM', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chat-main-'));
    const p = runMain({ PORT: '0', DATA_DIR: dir, LOG_LEVEL: 'warn' });
    const deadline = Date.now() + 20_000;
    while (!/Chat ready at (http:\S+)/.test(p.output()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const url = /Chat ready at (http:\S+)/.exec(p.output())?.[1];
    expect(url).toBeDefined();
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(0);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('a bad setting stops startup with a message naming it', async () => {
    const p = runMain({ PORT: 'http', QUEUE_URL: 'https://sqs.example/1/chat.fifo' });
    expect(await p.exited).toBe(78);
    expect(p.output()).toContain('PORT must be a whole number');
    expect(p.output()).toContain('also needs TABLE_NAME, UPLOADS_BUCKET, AWS_REGION');
  });
});

describe('reconnecting clients catch up (connection state recovery)', () => {
  const backend = new TestBackend('embedded');
  beforeAll(() => backend.setup());
  afterAll(() => backend.teardown());

  test('messages sent while a socket was cut arrive once after it reconnects, in order', async () => {
    const server = await backend.start(await backend.env());
    const sender = await ChatClient.connect(server.url);
    const reader = io(server.url, { transports: ['websocket'], forceNew: true, reconnectionDelay: 100, reconnectionDelayMax: 200 });
    const got: ChatMessage[] = [];
    reader.on('newMessage', (m) => got.push(m));
    await new Promise<void>((r) => reader.once('connect', () => r()));
    await sender.send({ id: 'm1', author: 'ann', text: 'one' });
    while (got.length < 1) await new Promise((r) => setTimeout(r, 20));

    const back = new Promise<boolean>((resolve) => reader.once('connect', () => resolve(reader.recovered)));
    reader.io.engine.close(); // the network drops; the client will reconnect by itself
    await sender.send({ id: 'm2', author: 'ann', text: 'two' });
    await sender.send({ id: 'm3', author: 'ann', text: 'three' });
    expect(await back).toBe(true);
    while (got.length < 3) await new Promise((r) => setTimeout(r, 20));
    await sender.send({ id: 'm4', author: 'ann', text: 'four' });
    while (got.length < 4) await new Promise((r) => setTimeout(r, 20));
    expect(got.map((m) => m.id)).toEqual(['m1', 'm2', 'm3', 'm4']);
    reader.close();
    sender.close();
  });
});
