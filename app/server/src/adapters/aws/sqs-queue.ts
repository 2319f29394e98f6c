import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { AwsSettings } from '../../config';
import type { AcceptedMessage, Delivery, MessageQueue, QueueCapabilities } from '../../ports';
import { clientConfig } from './clients';
import { decodeMessage, encodeMessage } from '../message-codec';
import { QUEUE_ATTRIBUTES, QUEUE_BATCH_MAX as MAX_BATCH } from './table-shape';

/**
 * The receive count SQS reports. An endpoint that leaves it out counts as a redelivery: the consumer then broadcasts
 * a stored message again rather than risk that nobody broadcast it.
 */
function receiveCount(attributes: Partial<Record<string, string>> | undefined): number {
  const n = Number(attributes?.['ApproximateReceiveCount']);
  return Number.isInteger(n) && n > 0 ? n : 2;
}
/** SendMessageBatch requests on their way at once. */
const MAX_SENDS_IN_FLIGHT = 4;

/** SQS FIFO: the room is the message group (order per room, rooms in parallel); the client's id is the dedup id. */
export class SqsQueue implements MessageQueue {
  /** SQS documents no wake-up of a waiting receive when a group unlocks, and moto (tests, load tests) does not do it. */
  readonly capabilities: QueueCapabilities = { wakesWhenGroupUnlocks: false };
  private readonly client: SQSClient;
  /** Long polls hold a request open for up to 20 s, so they get their own client and timeout. */
  private readonly pollClient: SQSClient;
  /** Long-poll wait of a receive. */
  private readonly waitSeconds: number;

  constructor(
    private readonly aws: AwsSettings,
    timeoutMs: number,
    /** Undefined: the queue's own. */
    waitSeconds: number | undefined,
    private readonly onPoison: (body: string) => void,
  ) {
    this.waitSeconds = waitSeconds ?? QUEUE_ATTRIBUTES.receiveWaitTimeSeconds;
    this.client = new SQSClient(clientConfig(aws, timeoutMs));
    this.pollClient = new SQSClient(clientConfig(aws, (this.waitSeconds + 10) * 1000));
  }

  /**
   * Sends go out together, up to ten per SendMessageBatch, at most MAX_SENDS_IN_FLIGHT requests at a time: the sends
   * made while those are on their way go in the next ones. Under load that is a tenth of the requests (and of the
   * SQS bill) and no request storm on a slow endpoint; alone, a message waits for nothing.
   */
  send(message: AcceptedMessage): Promise<void> {
    return new Promise((resolve, reject) => {
      this.outbox.push({ message, resolve, reject });
      if (this.outbox.length === 1) setImmediate(() => this.flush());
    });
  }

  private readonly outbox: { message: AcceptedMessage; resolve: () => void; reject: (err: Error) => void }[] = [];
  private sending = 0;

  private flush(): void {
    while (this.outbox.length > 0 && this.sending < MAX_SENDS_IN_FLIGHT) {
      const chunk = this.outbox.splice(0, MAX_BATCH);
      this.sending++;
      this.client
        .send(
          new SendMessageBatchCommand({
            QueueUrl: this.aws.queueUrl,
            Entries: chunk.map(({ message }, n) => ({
              Id: String(n),
              MessageBody: encodeMessage(message),
              MessageGroupId: message.room,
              MessageDeduplicationId: message.id,
            })),
          }),
        )
        .then(
          (out) => {
            const failed = new Map((out.Failed ?? []).map((f) => [f.Id, f]));
            chunk.forEach((entry, n) => {
              const f = failed.get(String(n));
              if (f) entry.reject(new Error(`SQS refused message ${entry.message.id}: ${f.Code} ${f.Message ?? ''}`));
              else entry.resolve();
            });
          },
          (err: Error) => chunk.forEach((entry) => entry.reject(err)),
        )
        .finally(() => {
          this.sending--;
          this.flush();
        });
    }
  }

  async receive(signal: AbortSignal, maxWaitSeconds?: number): Promise<Delivery[]> {
    if (signal.aborted) return [];
    let out;
    try {
      out = await this.pollClient.send(
        new ReceiveMessageCommand({
          QueueUrl: this.aws.queueUrl,
          MaxNumberOfMessages: MAX_BATCH,
          WaitTimeSeconds: Math.min(this.waitSeconds, maxWaitSeconds ?? this.waitSeconds),
          MessageSystemAttributeNames: ['ApproximateReceiveCount'],
        }),
        { abortSignal: signal },
      );
    } catch (err) {
      if (signal.aborted) return [];
      throw err;
    }
    const deliveries: Delivery[] = [];
    const poison: string[] = [];
    for (const m of out.Messages ?? []) {
      const message = decodeMessage(m.Body ?? '');
      if (message) deliveries.push({ message, receipt: m.ReceiptHandle!, receiveCount: receiveCount(m.Attributes) });
      else {
        this.onPoison(m.Body ?? '');
        poison.push(m.ReceiptHandle!);
      }
    }
    // A body we cannot read would block its group forever: drop it (the DLQ catches what fails elsewhere).
    if (poison.length > 0) await this.delete(poison).catch((err: Error) => this.onPoison(`(delete failed: ${err.message})`));
    return deliveries;
  }

  async delete(receipts: string[]): Promise<void> {
    for (let i = 0; i < receipts.length; i += MAX_BATCH) {
      const chunk = receipts.slice(i, i + MAX_BATCH);
      const out = await this.client.send(
        new DeleteMessageBatchCommand({
          QueueUrl: this.aws.queueUrl,
          Entries: chunk.map((ReceiptHandle, n) => ({ Id: String(n), ReceiptHandle })),
        }),
      );
      if (out.Failed?.length) throw new Error(`SQS did not delete ${out.Failed.length} messages: ${out.Failed[0]!.Code}`);
    }
  }

  async release(receipts: string[]): Promise<void> {
    await this.changeVisibility(receipts, 0);
  }

  async extend(receipts: string[], seconds: number): Promise<void> {
    await this.changeVisibility(receipts, seconds);
  }

  private async changeVisibility(receipts: string[], seconds: number): Promise<void> {
    for (let i = 0; i < receipts.length; i += MAX_BATCH) {
      const chunk = receipts.slice(i, i + MAX_BATCH);
      const out = await this.client.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: this.aws.queueUrl,
          Entries: chunk.map((ReceiptHandle, n) => ({ Id: String(n), ReceiptHandle, VisibilityTimeout: seconds })),
        }),
      );
      if (out.Failed?.length) throw new Error(`SQS did not change the visibility of ${out.Failed.length} messages: ${out.Failed[0]!.Code}`);
    }
  }

  async ping(): Promise<void> {
    await this.client.send(new GetQueueAttributesCommand({ QueueUrl: this.aws.queueUrl, AttributeNames: ['QueueArn'] }));
  }

  async close(): Promise<void> {
    this.client.destroy();
    this.pollClient.destroy();
  }
}
