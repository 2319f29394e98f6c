/**
 * Log-bucketed latency histogram: mergeable, JSON-serialisable, quantiles within ~1% of the true value.
 * The processor keeps one per metric and one per second of the run, so charts need no raw samples.
 */

/** Values below this (ms) share the first bucket; no loopback round trip is that fast. */
const MIN_VALUE = 0.01;
/** Relative bucket width: 2% wide buckets, reported at their geometric middle (±1%). */
const GROWTH = 1.02;
const LOG_GROWTH = Math.log(GROWTH);

export interface HistogramData {
  count: number;
  sum: number;
  min: number;
  max: number;
  /** bucket index → count; sparse. */
  buckets: Record<string, number>;
}

export function bucketOf(value: number): number {
  if (!(value > MIN_VALUE)) return 0;
  return Math.floor(Math.log(value / MIN_VALUE) / LOG_GROWTH) + 1;
}

/** A value that stands for the bucket: the geometric middle of its bounds. */
export function bucketValue(index: number): number {
  if (index <= 0) return MIN_VALUE;
  return MIN_VALUE * Math.pow(GROWTH, index - 0.5);
}

export class Histogram {
  count = 0;
  sum = 0;
  min = Infinity;
  max = -Infinity;
  private readonly buckets = new Map<number, number>();

  static from(data: HistogramData): Histogram {
    const h = new Histogram();
    h.count = data.count;
    h.sum = data.sum;
    h.min = data.count ? data.min : Infinity;
    h.max = data.count ? data.max : -Infinity;
    for (const [k, v] of Object.entries(data.buckets)) h.buckets.set(Number(k), v);
    return h;
  }

  record(value: number): void {
    if (!Number.isFinite(value)) return;
    const v = Math.max(0, value);
    this.count++;
    this.sum += v;
    if (v < this.min) this.min = v;
    if (v > this.max) this.max = v;
    const b = bucketOf(v);
    this.buckets.set(b, (this.buckets.get(b) ?? 0) + 1);
  }

  merge(other: Histogram): this {
    if (other.count === 0) return this;
    this.count += other.count;
    this.sum += other.sum;
    this.min = Math.min(this.min, other.min);
    this.max = Math.max(this.max, other.max);
    for (const [k, v] of other.buckets) this.buckets.set(k, (this.buckets.get(k) ?? 0) + v);
    return this;
  }

  /** q in [0, 1]; NaN when empty. Clamped to the observed range so p0/p100 are exact. */
  quantile(q: number): number {
    if (this.count === 0) return NaN;
    if (q <= 0) return this.min;
    if (q >= 1) return this.max;
    const rank = Math.ceil(q * this.count);
    let seen = 0;
    for (const k of [...this.buckets.keys()].sort((a, b) => a - b)) {
      seen += this.buckets.get(k)!;
      if (seen >= rank) return Math.min(this.max, Math.max(this.min, bucketValue(k)));
    }
    return this.max;
  }

  mean(): number {
    return this.count ? this.sum / this.count : NaN;
  }

  /** Counts per bucket, ascending, for drawing: `[lowerBound, upperBound, count]`. */
  bins(): Array<[number, number, number]> {
    return [...this.buckets.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([k, n]) => [k <= 0 ? 0 : MIN_VALUE * Math.pow(GROWTH, k - 1), MIN_VALUE * Math.pow(GROWTH, k), n]);
  }

  toJSON(): HistogramData {
    return {
      count: this.count,
      sum: this.sum,
      min: this.count ? this.min : 0,
      max: this.count ? this.max : 0,
      buckets: Object.fromEntries(this.buckets),
    };
  }
}
