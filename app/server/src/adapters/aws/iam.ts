/**
 * Every AWS action the aws adapters perform, by the resource it is granted on. The compute stack grants exactly
 * these to the instance role (infra/src/stacks/compute.ts), and iam.test.ts checks them against the SDK commands
 * the adapters send, so adding a call without its permission fails a test instead of a deploy.
 */
export const SERVER_IAM_ACTIONS = {
  /** SendMessageBatch is authorised as SendMessage, DeleteMessageBatch as DeleteMessage, ChangeMessageVisibilityBatch as ChangeMessageVisibility. */
  queue: ['sqs:SendMessage', 'sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility', 'sqs:GetQueueAttributes'],
  /**
   * TransactWriteItems is authorised as the PutItem, UpdateItem or DeleteItem of each item it holds (a reaction: the
   * person's record put or deleted, the count updated); GetItem and UpdateItem delete or edit a message.
   */
  table: [
    'dynamodb:PutItem',
    'dynamodb:BatchGetItem',
    'dynamodb:Query',
    'dynamodb:DescribeTable',
    'dynamodb:GetItem',
    'dynamodb:UpdateItem',
    'dynamodb:DeleteItem',
  ],
  /** Images sent in a message, under rooms/: CopyObject's target (PutObject), presigned GET and HeadObject (GetObject); DeleteObject for a deleted message's image. */
  uploadObjects: ['s3:PutObject', 's3:GetObject', 's3:DeleteObject'],
  /** Uploads not yet sent, under PENDING_UPLOAD_PREFIX: presigned POST, CopyObject's source, its first bytes (the image check) and its HeadObject, DeleteObject once copied. */
  pendingUploadObjects: ['s3:PutObject', 's3:GetObject', 's3:DeleteObject'],
  /** HeadBucket, for /readyz. */
  uploadsBucket: ['s3:ListBucket'],
} as const;

/**
 * Browsers upload under this prefix; sending the image in a message moves it to its key under rooms/. The data
 * stack expires this prefix after a day, so an image uploaded and never sent cannot pile up on the bill.
 */
export const PENDING_UPLOAD_PREFIX = 'pending/';
