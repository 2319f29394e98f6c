import type { ReactionSummary } from '../ports';

/**
 * What both reaction adapters do to answer `summaries`: read the seq range a page spans (one range query each), keep
 * the seqs asked for, and fill one summary per seq met.
 */
export class SummaryCollector {
  readonly out = new Map<string, ReactionSummary>();
  private readonly wanted: Set<string>;
  /** The range to read, undefined when no seq was asked for. */
  readonly range: { lo: string; hi: string } | undefined;

  constructor(seqs: string[]) {
    this.wanted = new Set(seqs);
    const sorted = [...this.wanted].sort();
    this.range = sorted.length === 0 ? undefined : { lo: sorted[0]!, hi: sorted[sorted.length - 1]! };
  }

  /** The summary of `seq` to fill, or undefined for a seq in the range that was not asked for. */
  entry(seq: string): ReactionSummary | undefined {
    if (!this.wanted.has(seq)) return undefined;
    let summary = this.out.get(seq);
    if (!summary) this.out.set(seq, (summary = { counts: {}, version: 0, mine: [] }));
    return summary;
  }
}
