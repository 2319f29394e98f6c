import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import express from 'express';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { MOTO_CREDENTIALS, MOTO_REGION } from '@chat/local-aws';
import { decodeMessage } from '../../src/adapters/message-codec';
import { DynamoStore } from '../../src/adapters/aws/dynamo-store';
import { DynamoDeletes } from '../../src/adapters/aws/dynamo-deletes';
import { DynamoEdits } from '../../src/adapters/aws/dynamo-edits';
import { DynamoReactions } from '../../src/adapters/aws/dynamo-reactions';
import { DynamoPush } from '../../src/adapters/aws/dynamo-push';
import { SqsQueue } from '../../src/adapters/aws/sqs-queue';
import { S3Uploads } from '../../src/adapters/aws/s3-uploads';
import { FileUploads } from '../../src/adapters/embedded/file-uploads';
import { MemoryQueue } from '../../src/adapters/embedded/memory-queue';
import { SqliteStore } from '../../src/adapters/embedded/sqlite-store';
import { SqliteDeletes } from '../../src/adapters/embedded/sqlite-deletes';
import { SqliteEdits } from '../../src/adapters/embedded/sqlite-edits';
import { SqliteReactions } from '../../src/adapters/embedded/sqlite-reactions';
import { SqlitePush } from '../../src/adapters/embedded/sqlite-push';
import { SqliteMemberships } from '../../src/adapters/embedded/sqlite-memberships';
import { DynamoMemberships } from '../../src/adapters/aws/dynamo-memberships';
import type {
  AcceptedMessage,
  Memberships,
  MessageDeletes,
  MessageEdits,
  MessageQueue,
  MessageReactions,
  MessageStore,
  PushSubscriptions,
  UploadStore,
} from '../../src/ports';
import { createResources, startMoto, type Moto } from '../support/moto';

export type AdapterKind = 'embedded' | 'aws';
export const ADAPTERS: AdapterKind[] = ['embedded', 'aws'];
const DAY = 24 * 3600;

/**
 * The adapters a port's contract suite runs against, the way socket.io's adapters share one suite: the embedded one
 * (a temp directory) and the aws one on moto (one moto per file, fresh resources per `create`).
 */
export class AdapterBackend {
  private moto: Moto | undefined;
  private dirs: string[] = [];
  private closers: (() => Promise<void>)[] = [];
  private counter = 0;

  constructor(readonly kind: AdapterKind) {}

  async setup(): Promise<void> {
    // Atomic DynamoDB, as the real one is: conditions checked and writes made under one lock (see startMoto).
    if (this.kind === 'aws') this.moto = await startMoto({ atomicDynamo: true });
  }

  async teardown(): Promise<void> {
    for (const close of this.closers.splice(0).reverse()) await close().catch(() => {});
    await this.moto?.stop();
    for (const d of this.dirs) fs.rmSync(d, { recursive: true, force: true });
  }

  /**
   * A fresh, empty store, and a way to open another connection to the same data (a second server, a restart);
   * `deletes()`, `edits()` and `reactions()` open those adapters over that same history (each call a new connection).
   */
  async store(): Promise<{
    store: MessageStore;
    connect(): MessageStore;
    deletes(): MessageDeletes;
    edits(): MessageEdits;
    reactions(): MessageReactions;
    push(): PushSubscriptions;
  }> {
    type Closable = { close?(): Promise<void> };
    let connect: () => MessageStore;
    let deletes: () => MessageDeletes & Closable;
    let edits: () => MessageEdits & Closable;
    let reactions: () => MessageReactions & Closable;
    let push: () => PushSubscriptions & Closable;
    if (this.kind === 'embedded') {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chat-store-'));
      this.dirs.push(dir);
      connect = () => new SqliteStore(path.join(dir, 'history.sqlite'), DAY);
      deletes = () => new SqliteDeletes(path.join(dir, 'history.sqlite'));
      edits = () => new SqliteEdits(path.join(dir, 'history.sqlite'));
      reactions = () => new SqliteReactions(path.join(dir, 'history.sqlite'));
      push = () => new SqlitePush(path.join(dir, 'history.sqlite'));
    } else {
      const r = await createResources(this.moto!.endpoint, this.name());
      const client = () => new DynamoDBClient({ region: MOTO_REGION, endpoint: r.AWS_ENDPOINT_URL, credentials: MOTO_CREDENTIALS });
      connect = () => new DynamoStore(client(), r.TABLE_NAME, DAY);
      deletes = () => new DynamoDeletes(client(), r.TABLE_NAME);
      edits = () => new DynamoEdits(client(), r.TABLE_NAME);
      reactions = () => new DynamoReactions(client(), r.TABLE_NAME);
      push = () => new DynamoPush(client(), r.TABLE_NAME);
    }
    const open = () => {
      const s = connect();
      this.closers.push(() => s.close());
      return s;
    };
    const closing =
      <T extends Closable>(make: () => T) =>
      () => {
        const d = make();
        if (d.close) this.closers.push(() => d.close!());
        return d;
      };
    return {
      store: open(),
      connect: open,
      deletes: closing(deletes),
      edits: closing(edits),
      reactions: closing(reactions),
      push: closing(push),
    };
  }

  /** A fresh queue with its dead-letter queue; `deadLetters` reads what moved there. */
  async queue(opts: {
    visibilitySeconds: number;
    maxReceiveCount: number;
  }): Promise<{ queue: MessageQueue; deadLetters(): Promise<AcceptedMessage[]> }> {
    if (this.kind === 'embedded') {
      const q = new MemoryQueue({ waitMs: 1000, visibilityMs: opts.visibilitySeconds * 1000, maxReceiveCount: opts.maxReceiveCount });
      this.closers.push(() => q.close());
      return { queue: q, deadLetters: async () => q.deadLetters() };
    }
    const r = await createResources(this.moto!.endpoint, this.name(), {
      visibilityTimeoutSeconds: opts.visibilitySeconds,
      maxReceiveCount: opts.maxReceiveCount,
    });
    const q = new SqsQueue(
      {
        queueUrl: r.QUEUE_URL,
        tableName: r.TABLE_NAME,
        uploadsBucket: r.UPLOADS_BUCKET,
        region: r.AWS_REGION,
        endpoint: r.AWS_ENDPOINT_URL,
      },
      10_000,
      1,
      () => {},
    );
    const sqs = new SQSClient({ region: MOTO_REGION, endpoint: r.AWS_ENDPOINT_URL, credentials: MOTO_CREDENTIALS });
    this.closers.push(async () => {
      sqs.destroy();
      await q.close();
    });
    return {
      queue: q,
      deadLetters: async () => {
        const out = await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: r.DEAD_LETTER_QUEUE_URL,
            MaxNumberOfMessages: 10,
            WaitTimeSeconds: 1,
            VisibilityTimeout: 0,
          }),
        );
        return (out.Messages ?? []).map((m) => decodeMessage(m.Body ?? '')!);
      },
    };
  }

  /**
   * A fresh, empty upload store and the origin its relative upload URLs resolve against: the embedded one's signed
   * PUT route is served by a real HTTP server here, as the chat server serves it; S3's presigned POST goes to moto.
   */
  async uploads(): Promise<{ uploads: UploadStore; origin: string }> {
    if (this.kind === 'embedded') {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chat-uploads-'));
      this.dirs.push(dir);
      const uploads = new FileUploads(dir);
      const app = express().use(uploads.routes());
      const http = await new Promise<import('node:http').Server>((resolve) => {
        const s = app.listen(0, '127.0.0.1', () => resolve(s));
      });
      this.closers.push(async () => {
        await uploads.close();
        await new Promise((r) => http.close(r));
      });
      return { uploads, origin: `http://127.0.0.1:${(http.address() as AddressInfo).port}` };
    }
    const r = await createResources(this.moto!.endpoint, this.name());
    const uploads = new S3Uploads(
      {
        queueUrl: r.QUEUE_URL,
        tableName: r.TABLE_NAME,
        uploadsBucket: r.UPLOADS_BUCKET,
        region: r.AWS_REGION,
        endpoint: r.AWS_ENDPOINT_URL,
      },
      10_000,
    );
    this.closers.push(() => uploads.close());
    return { uploads, origin: r.AWS_ENDPOINT_URL };
  }

  /**
   * A fresh, empty membership store, and a way to open another connection to the same data (a second server): SQLite
   * in a temp directory, or the history table on moto.
   */
  async memberships(): Promise<{ memberships: Memberships; connect(): Memberships }> {
    let connect: () => Memberships;
    if (this.kind === 'embedded') {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chat-members-'));
      this.dirs.push(dir);
      // The history creates the file first, as the server does.
      const store = new SqliteStore(path.join(dir, 'history.sqlite'), DAY);
      this.closers.push(() => store.close());
      connect = () => new SqliteMemberships(path.join(dir, 'history.sqlite'));
    } else {
      const r = await createResources(this.moto!.endpoint, this.name());
      connect = () =>
        new DynamoMemberships(
          new DynamoDBClient({ region: MOTO_REGION, endpoint: r.AWS_ENDPOINT_URL, credentials: MOTO_CREDENTIALS }),
          r.TABLE_NAME,
        );
    }
    const open = () => {
      const m = connect();
      this.closers.push(() => m.close());
      return m;
    };
    return { memberships: open(), connect: open };
  }

  private name(): string {
    return `contract-${process.pid}-${Date.now()}-${this.counter++}`;
  }
}
