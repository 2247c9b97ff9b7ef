// Billable operations, counted the way Firestore bills them, so that benchmarks can report document
// reads and writes per trace: the figures that carry over to production, unlike local timings.
// Reads: one per document requested by a lookup (found or missing), one per document a query
// returns (at least one per query), one per 1,000 index entries an aggregation matches (at least
// one). Writes: one per write in a commit. Listen traffic is not counted.

export interface UsageCounts {
  document_reads: number;
  document_writes: number;
}

export class Usage {
  private counts: UsageCounts = { document_reads: 0, document_writes: 0 };

  lookup(documents: number): void {
    this.counts.document_reads += documents;
  }

  query(results: number): void {
    this.counts.document_reads += Math.max(1, results);
  }

  aggregation(matched: number): void {
    this.counts.document_reads += Math.max(1, Math.ceil(matched / 1000));
  }

  writes(count: number): void {
    this.counts.document_writes += count;
  }

  snapshot(): UsageCounts {
    return { ...this.counts };
  }
}
