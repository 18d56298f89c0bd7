import type { PushProvider, PushResult } from './providers/types';

/** Upper bounds (seconds) of the push round-trip histogram's buckets. */
const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

type ProviderName = PushProvider['name'];

/** What this process's dispatcher measured: provider round trips and results. The queue's own figures come from the database. */
export class DispatchMetrics {
  private readonly histograms = new Map<ProviderName, { buckets: number[]; sum: number; count: number }>();
  private readonly results = new Map<string, number>();

  /** One provider call: its round trip and the results it gave. */
  observe(provider: ProviderName, seconds: number, results: readonly PushResult[]) {
    let h = this.histograms.get(provider);
    if (!h) this.histograms.set(provider, (h = { buckets: BUCKETS.map(() => 0), sum: 0, count: 0 }));
    BUCKETS.forEach((le, i) => {
      if (seconds <= le) h.buckets[i]!++;
    });
    h.sum += seconds;
    h.count++;
    for (const r of results) {
      const key = `provider="${provider}",outcome="${r.outcome}"`;
      this.results.set(key, (this.results.get(key) ?? 0) + 1);
    }
  }

  /** Prometheus text-format lines. */
  render(): string[] {
    const lines = [
      '# HELP herald_push_send_seconds Round trip of one call to a push provider (a batch of pushes), in seconds.',
      '# TYPE herald_push_send_seconds histogram',
    ];
    for (const [provider, h] of this.histograms) {
      BUCKETS.forEach((le, i) => lines.push(`herald_push_send_seconds_bucket{provider="${provider}",le="${le}"} ${h.buckets[i]}`));
      lines.push(
        `herald_push_send_seconds_bucket{provider="${provider}",le="+Inf"} ${h.count}`,
        `herald_push_send_seconds_sum{provider="${provider}"} ${h.sum}`,
        `herald_push_send_seconds_count{provider="${provider}"} ${h.count}`,
      );
    }
    lines.push('# HELP herald_push_results_total Pushes by provider and classified result.', '# TYPE herald_push_results_total counter');
    for (const [labels, n] of this.results) lines.push(`herald_push_results_total{${labels}} ${n}`);
    return lines;
  }
}
