import { dayKey, dayLabel } from './time-format';

describe('day separators', () => {
  const now = new Date(2026, 10, 25, 9, 30);

  it('names today and yesterday in the reader’s local calendar', () => {
    expect(dayLabel(new Date(2026, 10, 25, 0, 5).toISOString(), now)).toBe('Today');
    expect(dayLabel(new Date(2026, 10, 24, 23, 59).toISOString(), now)).toBe('Yesterday');
    expect(dayLabel(new Date(2026, 10, 20, 12).toISOString(), now)).toMatch(/20/);
    expect(dayLabel(new Date(2025, 0, 2, 12).toISOString(), now)).toMatch(/2025/);
  });

  it('puts two instants of one local day under one key', () => {
    expect(dayKey(new Date(2026, 10, 25, 0, 1).toISOString())).toBe(dayKey(new Date(2026, 10, 25, 23, 59).toISOString()));
    expect(dayKey(new Date(2026, 10, 25, 23, 59).toISOString())).not.toBe(dayKey(new Date(2026, 10, 26, 0, 0).toISOString()));
  });
});
