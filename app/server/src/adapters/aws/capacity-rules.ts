/**
 * DynamoDB's billing rules for capacity units, applied to items in DynamoDB's wire form ({ S: … }): a write is
 * 1 unit per started KB of the item, a read 1 per started 4 KB (half that eventually consistent), a transaction
 * twice either. Approximations, said where they are: an update or delete counts its key and new values, not the
 * stored item (the rows the chat updates are far under 1 KB); a read counts what came back, which is the item as
 * stored unless projected (a projection does not lower the bill: under 4 KB every item costs its minimum anyway).
 */

export type WireItem = Record<string, WireValue>;
type WireValue = Record<string, unknown>;

const KB = 1024;
const READ_BLOCK = 4 * KB;

/** An attribute value's size as DynamoDB counts it. */
function valueSize(v: WireValue): number {
  if (typeof v['S'] === 'string') return Buffer.byteLength(v['S']);
  if (typeof v['N'] === 'string') return Math.ceil(v['N'].replace(/^[-0.]+|[.eE].*$/g, '').length / 2) + 1;
  if (typeof v['B'] === 'string') return Buffer.from(v['B'], 'base64').length;
  if (v['BOOL'] !== undefined || v['NULL'] !== undefined) return 1;
  if (Array.isArray(v['SS'])) return (v['SS'] as string[]).reduce((n, s) => n + Buffer.byteLength(s), 0);
  if (Array.isArray(v['NS'])) return (v['NS'] as string[]).reduce((n, s) => n + valueSize({ N: s }), 0);
  if (Array.isArray(v['L'])) return 3 + (v['L'] as WireValue[]).reduce((n, e) => n + 1 + valueSize(e), 0);
  if (v['M'] && typeof v['M'] === 'object') return 3 + itemSize(v['M'] as WireItem) + Object.keys(v['M']).length;
  return 0;
}

/** An item's size: attribute names and values. */
export function itemSize(item: WireItem | undefined): number {
  if (!item) return 0;
  let n = 0;
  for (const [name, v] of Object.entries(item)) n += Buffer.byteLength(name) + valueSize(v);
  return n;
}

const writeUnits = (item: WireItem | undefined) => Math.max(1, Math.ceil(itemSize(item) / KB));
const readUnits = (bytes: number, consistent: boolean) => Math.max(1, Math.ceil(bytes / READ_BLOCK)) * (consistent ? 1 : 0.5);

/** An update or delete: its key and new values (see above). */
function changeItem(change: Record<string, unknown>): WireItem {
  return { ...(change['Key'] as WireItem), ...(change['ExpressionAttributeValues'] as WireItem | undefined) };
}

/** The capacity units `operation` costs by the rules, from its request and (for reads) its response, both in wire form. */
export function capacityByRules(operation: string, input: Record<string, unknown>, output: Record<string, unknown>): number {
  switch (operation) {
    case 'PutItem':
      return writeUnits(input['Item'] as WireItem);
    case 'UpdateItem':
    case 'DeleteItem':
      return writeUnits(changeItem(input));
    case 'BatchWriteItem':
      return Object.values((input['RequestItems'] ?? {}) as Record<string, Record<string, Record<string, unknown>>[]>)
        .flat()
        .reduce(
          (n, r) =>
            n + (r['PutRequest'] ? writeUnits(r['PutRequest']['Item'] as WireItem) : writeUnits(r['DeleteRequest']?.['Key'] as WireItem)),
          0,
        );
    case 'TransactWriteItems':
      return ((input['TransactItems'] ?? []) as Record<string, Record<string, unknown>>[]).reduce((n, t) => {
        const put = t['Put'];
        const change = t['Update'] ?? t['Delete'] ?? t['ConditionCheck'];
        return n + 2 * (put ? writeUnits(put['Item'] as WireItem) : writeUnits(change ? changeItem(change) : undefined));
      }, 0);
    case 'GetItem':
      return readUnits(itemSize(output['Item'] as WireItem | undefined), input['ConsistentRead'] === true);
    case 'Query':
    case 'Scan': {
      const items = (output['Items'] ?? []) as WireItem[];
      return readUnits(
        items.reduce((n, i) => n + itemSize(i), 0),
        input['ConsistentRead'] === true,
      );
    }
    case 'BatchGetItem': {
      // Each item is read as a GetItem of its own; keys handed back unprocessed were not read.
      const requested = (input['RequestItems'] ?? {}) as Record<string, { Keys?: unknown[]; ConsistentRead?: boolean }>;
      const responses = (output['Responses'] ?? {}) as Record<string, WireItem[]>;
      const unprocessed = (output['UnprocessedKeys'] ?? {}) as Record<string, { Keys?: unknown[] }>;
      let n = 0;
      for (const [table, r] of Object.entries(requested)) {
        const consistent = r.ConsistentRead === true;
        const found = responses[table] ?? [];
        const missing = (r.Keys?.length ?? 0) - (unprocessed[table]?.Keys?.length ?? 0) - found.length;
        n += found.reduce((s, i) => s + readUnits(itemSize(i), consistent), 0) + Math.max(0, missing) * readUnits(0, consistent);
      }
      return n;
    }
    case 'TransactGetItems':
      return ((output['Responses'] ?? []) as { Item?: WireItem }[]).reduce((n, r) => n + 2 * readUnits(itemSize(r.Item), true), 0);
    default:
      return 0;
  }
}
