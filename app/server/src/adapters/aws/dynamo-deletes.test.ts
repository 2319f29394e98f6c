import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startDynalite, type EmbeddedDynamo } from '../embedded/dynalite';
import { messageDeletesContract } from '../../../test/support/message-deletes-contract';
import { DynamoDeletes } from './dynamo-deletes';
import { DynamoStore } from './dynamo-store';

/** DynamoDeletes against a real DynamoDB API (dynalite); the server tests run it against moto as well. */
let dir: string;
let dynamo: EmbeddedDynamo;
let tables = 0;
beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chat-deletes-'));
  dynamo = await startDynalite(dir, 5000);
});
afterAll(async () => {
  await dynamo.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

messageDeletesContract('DynamoDeletes on dynalite', async () => {
  const table = `history-${tables++}`;
  const store = new DynamoStore(dynamo.client, table);
  await store.ensureTable();
  return { store, deletes: new DynamoDeletes(dynamo.client, table) };
});
