import fs from 'node:fs';
import path from 'node:path';
import { SERVER_IAM_ACTIONS } from './iam';

/** The IAM action each SDK call of the adapters needs; a call missing here fails the test until it is added. */
const ACTION_OF: Record<string, string | null> = {
  SendMessageBatchCommand: 'sqs:SendMessage',
  ReceiveMessageCommand: 'sqs:ReceiveMessage',
  DeleteMessageBatchCommand: 'sqs:DeleteMessage',
  GetQueueAttributesCommand: 'sqs:GetQueueAttributes',
  ChangeMessageVisibilityBatchCommand: 'sqs:ChangeMessageVisibility',
  TransactWriteCommand: 'dynamodb:PutItem',
  BatchGetCommand: 'dynamodb:BatchGetItem',
  QueryCommand: 'dynamodb:Query',
  DescribeTableCommand: 'dynamodb:DescribeTable',
  GetCommand: 'dynamodb:GetItem',
  PutCommand: 'dynamodb:PutItem',
  UpdateCommand: 'dynamodb:UpdateItem',
  DeleteObjectCommand: 's3:DeleteObject',
  HeadObjectCommand: 's3:GetObject',
  GetObjectCommand: 's3:GetObject',
  HeadBucketCommand: 's3:ListBucket',
  // CopyObject also reads its source (s3:GetObject, granted on the pending prefix).
  CopyObjectCommand: 's3:PutObject',
  createPresignedPost: 's3:PutObject',
};

test('the actions granted to the server are exactly those its aws adapters use', () => {
  const dir = __dirname;
  const used = new Set<string>();
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))) {
    const source = fs.readFileSync(path.join(dir, file), 'utf8');
    for (const match of source.matchAll(/\bnew (\w+Command)\(|\b(createPresignedPost)\(/g)) {
      const call = (match[1] ?? match[2])!;
      expect(Object.keys(ACTION_OF)).toContain(call);
      const action = ACTION_OF[call];
      if (action) used.add(action);
    }
    // A transaction's items are authorised one by one, as the single-item calls they hold.
    if (source.includes('new TransactWriteCommand(')) {
      for (const match of source.matchAll(/\b(Put|Update|Delete): \{/g)) used.add(`dynamodb:${match[1]}Item`);
    }
  }
  expect([...used].sort()).toEqual([...new Set(Object.values(SERVER_IAM_ACTIONS).flat())].sort());
});
