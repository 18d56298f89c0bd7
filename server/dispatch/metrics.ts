import type { DeliveryStatus } from '../../shared/schemas';
import type { PushProvider, PushResult } from './providers/types';

/** Upper bounds (seconds) of the push round-trip histogram's buckets. */
const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

type ProviderName = PushProvider['name'];

/**
 * What this process counted and measured since it started: deliveries reaching a status, provider round trips
 * and results. Counters, so they cost nothing to read however many deliveries the database holds; the queue's
 * own figures come from the database (GET /metrics).
 */
export class DispatchMetrics {
  private readonly histograms = new Map<ProviderName, { buckets: number[]; sum: number; count: number }>();
  private readonly results = new Map<string, number>();
  /** By status, then provider: no label string is built per delivery. */
  private readonly reachedCounts = new Map<string, Map<string, number>>();

  /** One provider call: its round trip and the results it gave. */
  observe(provider: ProviderName, seconds: number, results: readonly PushResult[]) {
    let h = this.histograms.get(provider);
    if (!h) this.histograms.set(provider, (h = { buckets: BUCKETS.map(() => 0), sum: 0, count: 0 }));
    BUCKETS.forEach((le, i) => {
      if (seconds <= le) h.buckets[i]!++;
    });
    h.sum += seconds;
    h.count++;
    // counted per outcome first: a label string and a map update per push would cost more than the push's bookkeeping
    const outcomes = { ok: 0, invalidToken: 0, retryable: 0, permanent: 0 } satisfies Record<PushResult['outcome'], number>;
    for (const r of results) outcomes[r.outcome]++;
    for (const [outcome, n] of Object.entries(outcomes)) if (n > 0) add(this.results, `provider="${provider}",outcome="${outcome}"`, n);
  }

  /** `n` deliveries reached `status` (a retry going back to the queue is not one); `provider` null when none handled them. */
  reached(status: Exclude<DeliveryStatus, 'queued'>, provider: string | null, n = 1) {
    if (n <= 0) return;
    let byProvider = this.reachedCounts.get(status);
    if (!byProvider) this.reachedCounts.set(status, (byProvider = new Map()));
    add(byProvider, provider ?? 'none', n);
  }

  /** Prometheus text-format lines. */
  render(): string[] {
    const lines = [
      '# HELP herald_deliveries_total Deliveries that reached a status in this process, by the provider that handled them ("none": no push).',
      '# TYPE herald_deliveries_total counter',
      ...[...this.reachedCounts].flatMap(([status, byProvider]) =>
        [...byProvider].map(([provider, n]) => `herald_deliveries_total{status="${status}",provider="${provider}"} ${n}`),
      ),
      '# HELP herald_push_send_seconds Duration of one push provider call, which sends a whole batch of pushes (up to 500), in seconds; not one push.',
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

const add = (counts: Map<string, number>, key: string, n: number) => counts.set(key, (counts.get(key) ?? 0) + n);
