import { sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import type { DispatchMetrics } from '../dispatch/metrics';

/**
 * `GET /metrics` in Prometheus text format: the delivery figures of the whole database (every process's
 * dispatchers write to it), then what this process's dispatcher measured.
 */
export async function renderMetrics(db: Db, now: number, dispatch?: DispatchMetrics): Promise<string> {
  const byStatus = await db.all<{ status: string; provider: string; n: number }>(
    sql`SELECT status, coalesce(provider, 'none') AS provider, count(*) AS n FROM deliveries GROUP BY status, provider ORDER BY status, provider`,
  );
  const [oldest] = await db.all<{ at: number | null }>(sql`
    SELECT min(n.created_at) AS at FROM notifications n
    WHERE EXISTS (SELECT 1 FROM deliveries d WHERE d.notification_id = n.id AND d.status = 'queued')`);
  const depth = byStatus.filter((r) => r.status === 'queued').reduce((sum, r) => sum + r.n, 0);
  const lines = [
    '# HELP herald_deliveries Deliveries by status and by the provider that last handled them.',
    '# TYPE herald_deliveries gauge',
    ...byStatus.map((r) => `herald_deliveries{status="${r.status}",provider="${r.provider}"} ${r.n}`),
    '# HELP herald_queue_depth Deliveries waiting to be pushed (first tries and retries).',
    '# TYPE herald_queue_depth gauge',
    `herald_queue_depth ${depth}`,
    '# HELP herald_queue_oldest_age_seconds Age of the oldest send that still has deliveries waiting.',
    '# TYPE herald_queue_oldest_age_seconds gauge',
    `herald_queue_oldest_age_seconds ${oldest?.at == null ? 0 : Math.max(0, (now - oldest.at) / 1000)}`,
    ...(dispatch?.render() ?? []),
  ];
  return lines.join('\n') + '\n';
}
