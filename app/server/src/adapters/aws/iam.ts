/**
 * Every AWS action the aws adapters perform, by the resource it is granted on. The compute stack grants exactly
 * these to the instance role (infra/src/stacks/compute.ts), and iam.test.ts checks them against the SDK commands
 * the adapters send, so adding a call without its permission fails a test instead of a deploy.
 */
export const SERVER_IAM_ACTIONS = {
  /** SendMessageBatch is authorised as SendMessage, DeleteMessageBatch as DeleteMessage. */
  queue: ['sqs:SendMessage', 'sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'],
  /** GetItem and UpdateItem: deleting a message (issue 12). */
  table: ['dynamodb:BatchWriteItem', 'dynamodb:Query', 'dynamodb:DescribeTable', 'dynamodb:GetItem', 'dynamodb:UpdateItem'],
  /** Presigned POST (PutObject), presigned GET and HeadObject (GetObject) on the objects under rooms/; DeleteObject for a deleted message's image. */
  uploadObjects: ['s3:PutObject', 's3:GetObject', 's3:DeleteObject'],
  /** HeadBucket, for /readyz. */
  uploadsBucket: ['s3:ListBucket'],
} as const;
