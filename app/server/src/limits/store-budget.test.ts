import { memoryLimiters } from './limiter';
import { StoreBudget, type StoreCapacity } from './store-budget';
import { LARGEST_MESSAGE_WRITE_UNITS, SHORT_MESSAGE_WRITE_UNITS, messageWriteUnits, pageReadUnits } from './store-units';

// A window far longer than the test: what is counted is how much, never how fast.
const capacity = (over: Partial<StoreCapacity> = {}): StoreCapacity => ({
  writeUnits: 1,
  readUnits: 1,
  roomSharePercent: 50,
  addressSharePercent: 25,
  windowSeconds: 400,
  ...over,
});
const nobodyExempt = () => false;

describe('store units', () => {
  it('charges a message its transaction: (row KB + id record) × 2', () => {
    const short = { id: 'm1', room: 'global', author: 'ann', text: 'hi' };
    expect(messageWriteUnits(short)).toBe(SHORT_MESSAGE_WRITE_UNITS);
    expect(SHORT_MESSAGE_WRITE_UNITS).toBe(4);
    expect(messageWriteUnits({ ...short, text: 'a'.repeat(2000) })).toBe(8);
    expect(messageWriteUnits({ id: 'i'.repeat(64), room: 'r'.repeat(64), author: '中'.repeat(40), text: '中'.repeat(2000) })).toBe(
      LARGEST_MESSAGE_WRITE_UNITS,
    );
    expect(LARGEST_MESSAGE_WRITE_UNITS).toBe(16);
  });

  it('charges a page its bytes in 4 KB, half when eventually consistent, at least one', () => {
    const row = { id: 'm', room: 'r', author: 'a', text: 'x'.repeat(1800), seq: '1', sentAt: '' };
    expect(pageReadUnits([], true)).toBe(1);
    expect(pageReadUnits(Array(10).fill(row), true)).toBe(5);
    expect(pageReadUnits(Array(10).fill(row), false)).toBe(3);
  });
});

describe('StoreBudget', () => {
  it('keeps the table within its capacity over the window', async () => {
    const budget = new StoreBudget(capacity({ addressSharePercent: 100, roomSharePercent: 100 }), memoryLimiters, nobodyExempt);
    // 1 unit/s × 400 s = 400 units = 100 short messages, whoever sends them.
    const outcomes = await Promise.all(Array.from({ length: 110 }, (_, i) => budget.write(`192.0.2.${i}`, `room-${i}`, 4)));
    expect(outcomes.filter((o) => o.ok)).toHaveLength(100);
    expect(outcomes.find((o) => !o.ok)).toMatchObject({ ok: false, retryInSeconds: expect.any(Number) });
  });

  it('keeps a share for the other rooms and the other addresses, and hands back what a refusal took', async () => {
    const budget = new StoreBudget(capacity({ roomSharePercent: 25, addressSharePercent: 10 }), memoryLimiters, nobodyExempt);
    // One room may take 100 units (25 % of 400): 25 messages, whoever sends them.
    const busy = await Promise.all(Array.from({ length: 30 }, (_, i) => budget.write(`192.0.2.${i}`, 'busy', 4)));
    expect(busy.filter((o) => o.ok)).toHaveLength(25);
    expect((await budget.write('192.0.2.0', 'calm', 4)).ok).toBe(true);
    // One address may take 40 units (10 %): 10 messages, whichever rooms they go to.
    const one = await Promise.all(Array.from({ length: 15 }, (_, i) => budget.write('198.51.100.1', `r${i}`, 4)));
    expect(one.filter((o) => o.ok)).toHaveLength(10);
    // An IPv6 client is one address across its /64.
    const v6 = await Promise.all(Array.from({ length: 15 }, (_, i) => budget.write(`2001:db8:0:1::${i + 1}`, `v${i}`, 4)));
    expect(v6.filter((o) => o.ok)).toHaveLength(10);
  });

  it('exempt addresses skip their own share, never the table', async () => {
    const budget = new StoreBudget(capacity({ roomSharePercent: 100 }), memoryLimiters, (a) => a === '127.0.0.1');
    const outcomes = await Promise.all(Array.from({ length: 110 }, (_, i) => budget.write('127.0.0.1', `r${i}`, 4)));
    expect(outcomes.filter((o) => o.ok)).toHaveLength(100);
  });

  it('charges reads up front and their size after', async () => {
    const budget = new StoreBudget(capacity({ addressSharePercent: 100 }), memoryLimiters, nobodyExempt);
    expect((await budget.read('192.0.2.1', 1)).ok).toBe(true);
    await budget.readMore('192.0.2.1', 398);
    expect((await budget.read('192.0.2.2', 1)).ok).toBe(true);
    expect((await budget.read('192.0.2.3', 1)).ok).toBe(false);
  });
});
