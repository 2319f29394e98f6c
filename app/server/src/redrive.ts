import { DeleteMessageBatchCommand, ReceiveMessageCommand, SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';

export interface RedriveResult {
  moved: number;
}

/**
 * Move every message of a FIFO dead-letter queue back to the main queue, each in its message group (its room), in
 * the order the dead-letter queue gives them. The dedup id is fresh (`redrive-<MessageId>`): the message's own id
 * may still be in SQS's five-minute window and would be dropped. A message stored meanwhile is harmless: the
 * server recognises it by its id record. Sent before deleted, so a crash in between leaves a copy, never a loss.
 */
export async function redriveDeadLetters(sqs: SQSClient, deadLetterQueueUrl: string, queueUrl: string): Promise<RedriveResult> {
  let moved = 0;
  for (;;) {
    const out = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: deadLetterQueueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
        VisibilityTimeout: 60,
        MessageSystemAttributeNames: ['MessageGroupId'],
      }),
    );
    const messages = out.Messages ?? [];
    if (messages.length === 0) return { moved };
    const sent = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: messages.map((m, n) => ({
          Id: String(n),
          MessageBody: m.Body ?? '',
          MessageGroupId: m.Attributes?.MessageGroupId ?? 'redriven',
          MessageDeduplicationId: `redrive-${m.MessageId}`,
        })),
      }),
    );
    const failed = new Set((sent.Failed ?? []).map((f) => f.Id));
    const done = messages.filter((_, n) => !failed.has(String(n)));
    if (done.length > 0) {
      await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: deadLetterQueueUrl,
          Entries: done.map((m, n) => ({ Id: String(n), ReceiptHandle: m.ReceiptHandle! })),
        }),
      );
    }
    moved += done.length;
    if (failed.size > 0)
      throw new Error(`SQS refused ${failed.size} redriven messages: ${sent.Failed![0]!.Code} (moved ${moved} so far; run again)`);
  }
}
