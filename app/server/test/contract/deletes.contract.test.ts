import { messageDeletesContract } from '../support/message-deletes-contract';
import { ADAPTERS, AdapterBackend } from './adapters';

/** The MessageDeletes port (issue 12) over each adapter's history: SQLite (embedded) and DynamoDB (moto). */
describe.each(ADAPTERS)('%s', (kind) => {
  const backend = new AdapterBackend(kind);
  beforeAll(() => backend.setup(), 60_000);
  afterAll(() => backend.teardown());
  messageDeletesContract(kind === 'aws' ? 'DynamoDeletes on moto' : 'SqliteStore', () => backend.store(), { atomicConditions: kind === 'embedded' });
});
