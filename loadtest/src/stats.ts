import { Histogram, type HistogramData } from './histogram';

/** The latency metrics the harness records; Artillery gets the same values as custom histograms. */
export const LATENCY_METRICS = ['chat.ack_ms', 'chat.e2e_ms', 'chat.fanout_ms'] as const;
export type LatencyMetric = (typeof LATENCY_METRICS)[number];

/** Counters that must stay zero for a run to pass. */
export const INTEGRITY_COUNTERS = ['chat.lost', 'chat.duplicated', 'chat.out_of_order'] as const;

export interface StatsData {
  /** wall-clock ms of the common send start, to line up files from several processes */
  startedAt: number;
  histograms: Record<string, HistogramData>;
  /** per metric: second since start → histogram of that second */
  perSecond: Record<string, Record<string, HistogramData>>;
  counters: Record<string, number>;
  /** a sample of lost message ids, to look them up in server logs or history */
  lostIds: string[];
}

/** Latency histograms (overall and per second of the run) plus counters, for the charts of one process. */
export class RunStats {
  readonly histograms = new Map<string, Histogram>();
  readonly perSecond = new Map<string, Map<number, Histogram>>();
  readonly counters = new Map<string, number>();
  lostIds: string[] = [];

  constructor(public startedAt: number) {}

  static from(data: StatsData): RunStats {
    const s = new RunStats(data.startedAt);
    s.mergeData(data);
    return s;
  }

  record(metric: string, second: number, value: number): void {
    this.hist(metric).record(value);
    let bySecond = this.perSecond.get(metric);
    if (!bySecond) this.perSecond.set(metric, (bySecond = new Map()));
    let h = bySecond.get(second);
    if (!h) bySecond.set(second, (h = new Histogram()));
    h.record(value);
  }

  count(name: string, by = 1): void {
    this.counters.set(name, (this.counters.get(name) ?? 0) + by);
  }

  hist(metric: string): Histogram {
    let h = this.histograms.get(metric);
    if (!h) this.histograms.set(metric, (h = new Histogram()));
    return h;
  }

  /** Merge another process's file; its seconds are shifted onto this run's start. */
  mergeData(data: StatsData): this {
    const shift = Math.round((data.startedAt - this.startedAt) / 1000);
    for (const [m, h] of Object.entries(data.histograms)) this.hist(m).merge(Histogram.from(h));
    for (const [m, secs] of Object.entries(data.perSecond)) {
      let bySecond = this.perSecond.get(m);
      if (!bySecond) this.perSecond.set(m, (bySecond = new Map()));
      for (const [sec, h] of Object.entries(secs)) {
        const k = Number(sec) + shift;
        const mine = bySecond.get(k);
        if (mine) mine.merge(Histogram.from(h));
        else bySecond.set(k, Histogram.from(h));
      }
    }
    for (const [c, n] of Object.entries(data.counters)) this.count(c, n);
    this.lostIds = [...this.lostIds, ...data.lostIds].slice(0, 100);
    return this;
  }

  toJSON(): StatsData {
    const perSecond: StatsData['perSecond'] = {};
    for (const [m, secs] of this.perSecond) {
      perSecond[m] = Object.fromEntries([...secs].map(([k, h]) => [String(k), h.toJSON()]));
    }
    return {
      startedAt: this.startedAt,
      histograms: Object.fromEntries([...this.histograms].map(([k, h]) => [k, h.toJSON()])),
      perSecond,
      counters: Object.fromEntries(this.counters),
      lostIds: this.lostIds.slice(0, 100),
    };
  }
}
