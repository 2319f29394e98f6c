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
import type { AwsUsage } from './aws-usage';
import { clientConfig } from './clients';
import { decodeMessage, encodeMessage } from '../message-codec';
import { RequestBatcher } from '../../util/request-batcher';
import { QUEUE_ATTRIBUTES, QUEUE_BATCH_MAX as MAX_BATCH } from './table-shape';

/**
 * The receive count SQS reports. An endpoint that leaves it out counts as a redelivery: the consumer then broadcasts
 * a stored message again rather than risk that nobody broadcast it.
 */
function receiveCount(attributes: Partial<Record<string, string>> | undefined): number {
  const n = Number(attributes?.['ApproximateReceiveCount']);
  return Number.isInteger(n) && n > 0 ? n : 2;
}
/** SendMessageBatch (and DeleteMessageBatch) requests on their way at once. */
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
    usage?: AwsUsage,
  ) {
    this.waitSeconds = waitSeconds ?? QUEUE_ATTRIBUTES.receiveWaitTimeSeconds;
    // No MD5 of every body sent and received: TLS already guarantees what arrives is what was sent.
    this.client = new SQSClient({ ...clientConfig(aws, timeoutMs), md5: false });
    this.pollClient = new SQSClient({ ...clientConfig(aws, (this.waitSeconds + 10) * 1000), md5: false });
    usage?.attach('sqs', this.client);
    usage?.attach('sqs', this.pollClient);
  }

  /**
   * Sends go out together, up to ten per SendMessageBatch, at most MAX_SENDS_IN_FLIGHT requests at a time. Under
   * load that is a tenth of the requests (and of the SQS bill) and no request storm on a slow endpoint.
   */
  private readonly sends = new RequestBatcher<AcceptedMessage>(MAX_BATCH, MAX_SENDS_IN_FLIGHT, async (messages) => {
    const out = await this.client.send(
      new SendMessageBatchCommand({
        QueueUrl: this.aws.queueUrl,
        Entries: messages.map((message, n) => ({
          Id: String(n),
          MessageBody: encodeMessage(message),
          MessageGroupId: message.room,
          MessageDeduplicationId: message.id,
        })),
      }),
    );
    return new Map(
      (out.Failed ?? []).map((f) => [
        Number(f.Id),
        new Error(`SQS refused message ${messages[Number(f.Id)]?.id}: ${f.Code} ${f.Message ?? ''}`),
      ]),
    );
  });

  /** Deletes too: the rooms of one receive finish at about the same time, and their deletes share a request. */
  private readonly deletes = new RequestBatcher<string>(MAX_BATCH, MAX_SENDS_IN_FLIGHT, async (receipts) => {
    const out = await this.client.send(
      new DeleteMessageBatchCommand({
        QueueUrl: this.aws.queueUrl,
        Entries: receipts.map((ReceiptHandle, n) => ({ Id: String(n), ReceiptHandle })),
      }),
    );
    return new Map((out.Failed ?? []).map((f) => [Number(f.Id), new Error(`SQS did not delete a message: ${f.Code} ${f.Message ?? ''}`)]));
  });

  send(message: AcceptedMessage): Promise<void> {
    return this.sends.add(message);
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
    await Promise.all(receipts.map((r) => this.deletes.add(r)));
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
