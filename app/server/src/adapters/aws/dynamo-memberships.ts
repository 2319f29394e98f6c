import { randomBytes } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { InviteRecord, InviteRefusal, Memberships, PrivateRoom, RoomMemberRecord } from '../../ports';
import { inviteRefusal } from '../invite-refusal';

/**
 * Partitions of the history table that hold no messages: room names are [a-z0-9_-], so a key starting with `#` is
 * never a room's. Nothing here is ever deleted (the server's role has no DeleteItem): a removed member's items are
 * marked `removedAt` and read as absent, and adding them again clears it.
 */
const PRIVATE_ROOMS = '#private-rooms';
const membersOf = (room: string) => `#members/${room}`;
const roomsOfUser = (userId: string) => `#rooms-of/${userId}`;
const invitesOf = (room: string) => `#invites/${room}`;
const SECRETS = '#secrets';

const isConditionFailure = (err: unknown) =>
  (err as { name?: string }).name === 'ConditionalCheckFailedException' ||
  ((err as { name?: string }).name === 'TransactionCanceledException' &&
    ((err as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? []).some((r) => r.Code === 'ConditionalCheckFailed'));

const inviteOfItem = (i: Record<string, unknown>): InviteRecord => ({
  id: String(i['seq']),
  room: String(i['inviteRoom']),
  expiresAt: String(i['expiresAtIso']),
  singleUse: i['singleUse'] === true,
  createdBy: String(i['createdBy']),
  ...(i['revokedAt'] !== undefined ? { revokedAt: String(i['revokedAt']) } : {}),
  ...(i['usedAt'] !== undefined ? { usedAt: String(i['usedAt']) } : {}),
});

/** Private rooms, members and invites in the history table (aws mode): every server reads and writes the same items. */
export class DynamoMemberships implements Memberships {
  private readonly doc: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    private readonly table: string,
  ) {
    this.doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  }

  private async queryAll(partition: string, limit: number, filterRemoved = true): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.doc.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: '#r = :r',
          ExpressionAttributeNames: { '#r': 'room' },
          ExpressionAttributeValues: { ':r': partition },
          ConsistentRead: true,
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      for (const i of out.Items ?? []) if (!filterRemoved || i['removedAt'] === undefined) items.push(i);
      start = out.LastEvaluatedKey;
    } while (start && items.length < limit);
    return items.slice(0, limit);
  }

  private async get(partition: string, key: string): Promise<Record<string, unknown> | undefined> {
    const out = await this.doc.send(new GetCommand({ TableName: this.table, Key: { room: partition, seq: key }, ConsistentRead: true }));
    return out.Item;
  }

  async createRoom(room: PrivateRoom, creator: RoomMemberRecord): Promise<boolean> {
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.table,
                Item: { room: PRIVATE_ROOMS, seq: room.room, createdBy: room.createdBy, createdAt: room.createdAt },
                ConditionExpression: 'attribute_not_exists(seq)',
              },
            },
            { Put: { TableName: this.table, Item: { room: membersOf(room.room), seq: creator.id, name: creator.name } } },
            { Put: { TableName: this.table, Item: { room: roomsOfUser(creator.id), seq: room.room } } },
          ],
        }),
      );
      return true;
    } catch (err) {
      if (isConditionFailure(err)) return false;
      throw err;
    }
  }

  async privateRoom(room: string): Promise<PrivateRoom | undefined> {
    const i = await this.get(PRIVATE_ROOMS, room);
    return i ? { room, createdBy: String(i['createdBy']), createdAt: String(i['createdAt']) } : undefined;
  }

  async privateRooms(limit: number): Promise<PrivateRoom[]> {
    return (await this.queryAll(PRIVATE_ROOMS, limit)).map((i) => ({
      room: String(i['seq']),
      createdBy: String(i['createdBy']),
      createdAt: String(i['createdAt']),
    }));
  }

  async isMember(room: string, userId: string): Promise<boolean> {
    const i = await this.get(membersOf(room), userId);
    return i !== undefined && i['removedAt'] === undefined;
  }

  async addMember(room: string, member: RoomMemberRecord): Promise<void> {
    await this.doc.send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: this.table, Item: { room: membersOf(room), seq: member.id, name: member.name } } },
          { Put: { TableName: this.table, Item: { room: roomsOfUser(member.id), seq: room } } },
        ],
      }),
    );
  }

  async removeMember(room: string, userId: string): Promise<boolean> {
    const at = new Date().toISOString();
    const mark = (partition: string, key: string) => ({
      Update: {
        TableName: this.table,
        Key: { room: partition, seq: key },
        UpdateExpression: 'SET removedAt = :at',
        ConditionExpression: 'attribute_exists(seq) AND attribute_not_exists(removedAt)',
        ExpressionAttributeValues: { ':at': at },
      },
    });
    try {
      await this.doc.send(new TransactWriteCommand({ TransactItems: [mark(membersOf(room), userId), mark(roomsOfUser(userId), room)] }));
      return true;
    } catch (err) {
      if (isConditionFailure(err)) return false;
      throw err;
    }
  }

  async members(room: string, limit: number): Promise<RoomMemberRecord[]> {
    const all = (await this.queryAll(membersOf(room), Number.MAX_SAFE_INTEGER)).map((i) => ({
      id: String(i['seq']),
      name: String(i['name']),
    }));
    all.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    return all.slice(0, limit);
  }

  async roomsOf(userId: string, limit: number): Promise<string[]> {
    return (await this.queryAll(roomsOfUser(userId), limit)).map((i) => String(i['seq']));
  }

  async createInvite(invite: InviteRecord): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.table,
        Item: {
          room: invitesOf(invite.room),
          seq: invite.id,
          inviteRoom: invite.room,
          expiresAtIso: invite.expiresAt,
          singleUse: invite.singleUse,
          createdBy: invite.createdBy,
        },
        ConditionExpression: 'attribute_not_exists(seq)',
      }),
    );
  }

  async invite(room: string, id: string): Promise<InviteRecord | undefined> {
    const i = await this.get(invitesOf(room), id);
    return i ? inviteOfItem(i) : undefined;
  }

  async invites(room: string): Promise<InviteRecord[]> {
    const all = (await this.queryAll(invitesOf(room), Number.MAX_SAFE_INTEGER, false)).map(inviteOfItem);
    return all.sort((a, b) => (a.expiresAt < b.expiresAt ? -1 : a.expiresAt > b.expiresAt ? 1 : a.id < b.id ? -1 : 1));
  }

  async revokeInvite(room: string, id: string, at: string): Promise<void> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { room: invitesOf(room), seq: id },
          UpdateExpression: 'SET revokedAt = :at',
          ConditionExpression: 'attribute_exists(seq) AND attribute_not_exists(revokedAt)',
          ExpressionAttributeValues: { ':at': at },
        }),
      );
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
    }
  }

  async useInvite(room: string, id: string, at: string): Promise<{ ok: true } | { ok: false; reason: InviteRefusal }> {
    const item = await this.get(invitesOf(room), id);
    const invite = item ? inviteOfItem(item) : undefined;
    const refused = invite ? inviteRefusal(invite, at) : 'unknown';
    if (refused) return { ok: false, reason: refused };
    if (!invite!.singleUse) return { ok: true };
    // Of two people using one single-use invite at once, the condition lets one through.
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { room: invitesOf(room), seq: id },
          UpdateExpression: 'SET usedAt = :at',
          ConditionExpression: 'attribute_exists(seq) AND attribute_not_exists(usedAt) AND attribute_not_exists(revokedAt)',
          ExpressionAttributeValues: { ':at': at },
        }),
      );
      return { ok: true };
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
      const now = await this.get(invitesOf(room), id);
      return { ok: false, reason: (now && inviteRefusal(inviteOfItem(now), at)) || 'used' };
    }
  }

  async signingSecret(): Promise<Buffer> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: { room: SECRETS, seq: 'signing', value: randomBytes(32).toString('base64') },
          ConditionExpression: 'attribute_not_exists(seq)',
        }),
      );
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
    }
    const item = await this.get(SECRETS, 'signing');
    return Buffer.from(String(item!['value']), 'base64');
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {
    this.doc.destroy();
  }
}
