/**
 * Every AWS action the aws adapters perform, by the resource it is granted on. The compute stack grants exactly
 * these to the instance role (infra/src/stacks/compute.ts), and iam.test.ts checks them against the SDK commands
 * the adapters send, so adding a call without its permission fails a test instead of a deploy.
 */
export const SERVER_IAM_ACTIONS = {
  /** SendMessageBatch is authorised as SendMessage, DeleteMessageBatch as DeleteMessage, ChangeMessageVisibilityBatch as ChangeMessageVisibility. */
  queue: ['sqs:SendMessage', 'sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility', 'sqs:GetQueueAttributes'],
  /** TransactWriteItems is authorised as the PutItem of each item it holds. */
  table: ['dynamodb:PutItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:DescribeTable'],
  /** Presigned POST (PutObject), presigned GET and HeadObject (GetObject) on the objects under rooms/. */
  uploadObjects: ['s3:PutObject', 's3:GetObject'],
  /** HeadBucket, for /readyz. */
  uploadsBucket: ['s3:ListBucket'],
} as const;
