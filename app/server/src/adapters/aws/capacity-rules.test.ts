import { capacityByRules, itemSize } from './capacity-rules';

const row = (text: string) => ({ room: { S: 'r' }, seq: { S: '00000000000000000001' }, text: { S: text } });

describe('DynamoDB capacity by its billing rules', () => {
  test('an item is its attribute names plus its values (UTF-8 bytes, numbers by digits)', () => {
    expect(itemSize({ room: { S: 'r' }, seq: { S: '0001' } })).toBe(4 + 1 + 3 + 4);
    expect(itemSize({ t: { S: 'é' } })).toBe(1 + 2);
    expect(itemSize({ n: { N: '1700000000' } })).toBe(1 + 6);
    expect(itemSize({ b: { BOOL: true }, l: { L: [{ S: 'ab' }] } })).toBe(1 + 1 + 1 + 3 + 1 + 2);
  });

  test('writes: 1 unit per started KB, at least 1; a transaction twice that per item', () => {
    expect(capacityByRules('PutItem', { Item: row('hi') }, {})).toBe(1);
    expect(capacityByRules('PutItem', { Item: row('x'.repeat(2000)) }, {})).toBe(2);
    const items = [{ Put: { Item: row('hi') } }, { Put: { Item: { room: { S: 'r' }, seq: { S: 'id#a' } } } }];
    expect(capacityByRules('TransactWriteItems', { TransactItems: items }, {})).toBe(4);
    expect(
      capacityByRules(
        'BatchWriteItem',
        { RequestItems: { t: [{ PutRequest: { Item: row('hi') } }, { DeleteRequest: { Key: row('') } }] } },
        {},
      ),
    ).toBe(2);
  });

  test('reads: 1 unit per started 4 KB of what came back, half eventually consistent; each key of a BatchGet on its own', () => {
    const items = [row('a'), row('b'), row('x'.repeat(5000))];
    expect(capacityByRules('Query', { ConsistentRead: true }, { Items: items })).toBe(2);
    expect(capacityByRules('Query', {}, { Items: items })).toBe(1);
    expect(capacityByRules('Query', { ConsistentRead: true }, { Items: [] })).toBe(1);
    const batch = { RequestItems: { t: { Keys: [{}, {}, {}, {}], ConsistentRead: true } } };
    expect(capacityByRules('BatchGetItem', batch, { Responses: { t: [row('a')] }, UnprocessedKeys: { t: { Keys: [{}] } } })).toBe(3);
  });
});
