import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoStore } from './dynamo-store';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const dynalite = require('dynalite') as (opts: { path?: string; createTableMs?: number }) => Server;

/** DynamoStore against dynalite: a real DynamoDB API, including a table that takes a while to become ACTIVE. */
describe('DynamoStore', () => {
  let dir: string;
  let server: Server;
  let client: DynamoDBClient;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chat-store-'));
    // As on AWS, a new table is CREATING for a while; reads and writes are refused until it is ACTIVE.
    server = dynalite({ path: dir, createTableMs: 300 });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const { port } = server.address() as AddressInfo;
    client = new DynamoDBClient({ region: 'local', endpoint: `http://127.0.0.1:${port}`, credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  });
  afterAll(async () => {
    client.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('ensureTable returns once the new table is usable, so the first message is stored', async () => {
    const store = new DynamoStore(client, 'history-new');
    await store.ensureTable();
    await store.putAll([{ id: 'first', room: 'global', author: 'ann', text: 'hi', seq: '00000000000000000001', sentAt: new Date().toISOString() }]);
    expect((await store.page('global', 10)).messages.map((m) => m.id)).toEqual(['first']);
  });

  test('writing the same message again is one row (a retried batch)', async () => {
    const store = new DynamoStore(client, 'history-new');
    const m = { id: 'again', room: 'r2', author: 'ann', text: 'x', seq: '00000000000000000001', sentAt: new Date().toISOString() };
    await store.putAll([m]);
    await store.putAll([m]);
    const page = await store.page('r2', 10);
    expect(page).toEqual({ messages: [m], more: false });
  });
});
