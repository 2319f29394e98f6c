import { Histogram, bucketOf, bucketValue } from './histogram';

/** Exact nearest-rank quantile, the reference the histogram approximates. */
function exact(values: number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.max(0, Math.ceil(q * s.length) - 1)]!;
}

describe('Histogram', () => {
  it('answers quantiles within the bucket resolution (about 1%)', () => {
    // A deterministic spread over three decades, like a latency distribution with a tail.
    const values = Array.from({ length: 5000 }, (_, i) => 0.3 + ((i * 7919) % 5000) ** 2 / 1e5);
    const h = new Histogram();
    for (const v of values) h.record(v);
    for (const q of [0.5, 0.9, 0.95, 0.99, 0.999]) {
      const want = exact(values, q);
      expect(Math.abs(h.quantile(q) - want) / want).toBeLessThan(0.011);
    }
    expect(h.quantile(0)).toBe(Math.min(...values));
    expect(h.quantile(1)).toBe(Math.max(...values));
    expect(h.count).toBe(5000);
  });

  it('is empty-safe', () => {
    const h = new Histogram();
    expect(h.quantile(0.5)).toBeNaN();
    expect(h.mean()).toBeNaN();
    expect(h.toJSON()).toEqual({ count: 0, sum: 0, min: 0, max: 0, buckets: {} });
  });

  it('merges as if all values had been recorded in one', () => {
    const a = new Histogram();
    const b = new Histogram();
    const all = new Histogram();
    for (let i = 1; i <= 300; i++) {
      (i % 2 ? a : b).record(i / 10);
      all.record(i / 10);
    }
    a.merge(b);
    expect(a.toJSON()).toEqual(all.toJSON());
  });

  it('survives JSON round trips', () => {
    const h = new Histogram();
    [1, 2, 2, 3, 50, 0.001, 0].forEach((v) => h.record(v));
    const back = Histogram.from(JSON.parse(JSON.stringify(h.toJSON())));
    expect(back.toJSON()).toEqual(h.toJSON());
    expect(back.quantile(0.5)).toBe(h.quantile(0.5));
  });

  it('ignores values that are not numbers', () => {
    const h = new Histogram();
    h.record(NaN);
    h.record(Infinity);
    expect(h.count).toBe(0);
  });

  it('puts a value in a bucket whose middle is within 1% of it', () => {
    for (const v of [0.05, 0.7, 1, 3.3, 25, 999]) {
      expect(Math.abs(bucketValue(bucketOf(v)) - v) / v).toBeLessThan(0.0101);
    }
  });

  it('lists bins in ascending order that add up to the count', () => {
    const h = new Histogram();
    [5, 1, 3, 1, 100].forEach((v) => h.record(v));
    const bins = h.bins();
    expect(bins.map((b) => b[2]).reduce((x, y) => x + y, 0)).toBe(5);
    for (let i = 1; i < bins.length; i++) expect(bins[i]![0]).toBeGreaterThanOrEqual(bins[i - 1]![1] - 1e-9);
  });
});
