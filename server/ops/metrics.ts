import { sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import type { DispatchMetrics } from '../dispatch/metrics';

/**
 * `GET /metrics` in Prometheus text format: the queue as the database holds it (every process's dispatchers
 * share it; both queries read only queued rows, never the whole history), then what this process counted.
 */
export async function renderMetrics(db: Db, now: number, counted?: DispatchMetrics): Promise<string> {
  const [queue] = await db.all<{ depth: number; oldest: number | null }>(sql`
    SELECT (SELECT count(*) FROM deliveries WHERE status = 'queued') AS depth,
      (SELECT min(n.created_at) FROM (SELECT DISTINCT notification_id FROM deliveries WHERE status = 'queued') q
        JOIN notifications n ON n.id = q.notification_id) AS oldest`);
  const lines = [
    '# HELP herald_queue_depth Deliveries waiting to be pushed (first tries and retries).',
    '# TYPE herald_queue_depth gauge',
    `herald_queue_depth ${queue?.depth ?? 0}`,
    '# HELP herald_queue_oldest_age_seconds Age of the oldest send that still has deliveries waiting.',
    '# TYPE herald_queue_oldest_age_seconds gauge',
    `herald_queue_oldest_age_seconds ${queue?.oldest == null ? 0 : Math.max(0, (now - queue.oldest) / 1000)}`,
    ...(counted?.render() ?? []),
  ];
  return lines.join('\n') + '\n';
}
