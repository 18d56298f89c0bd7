import { sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { SYNC_BUCKETS, type SyncTimings } from '../db/wal-sync';
import { dueBy, QUEUED } from '../dispatch/claim';
import type { DispatchMetrics } from '../dispatch/metrics';

/**
 * `GET /metrics` in Prometheus text format: the queue as the database holds it (every process's dispatchers
 * share it; both queries read only queued rows, never the whole history), then what this process counted.
 */
export async function renderMetrics(db: Db, now: number, counted?: DispatchMetrics, walSyncs?: SyncTimings | null): Promise<string> {
  // Both read the deliveries_due index (next_attempt_at of queued rows only). A leased row's next_attempt_at is its lease's
  // end, so a delivery being pushed is not "waiting" until a crashed worker's lease runs out.
  const [queue] = await db.all<{ depth: number; oldest: number | null }>(sql`
    SELECT (SELECT count(*) FROM deliveries WHERE ${QUEUED}) AS depth,
      (SELECT min(next_attempt_at) FROM deliveries WHERE ${dueBy(now)}) AS oldest`);
  const lines = [
    '# HELP herald_queue_depth Deliveries waiting to be pushed (first tries and retries, due or scheduled for later).',
    '# TYPE herald_queue_depth gauge',
    `herald_queue_depth ${queue?.depth ?? 0}`,
    '# HELP herald_queue_oldest_age_seconds How long the longest-waiting due delivery (queued, next attempt time reached) has been due; retries scheduled for later do not count.',
    '# TYPE herald_queue_oldest_age_seconds gauge',
    `herald_queue_oldest_age_seconds ${queue?.oldest == null ? 0 : (now - queue.oldest) / 1000}`,
    ...(await directorySyncMetrics(db)),
    ...(await memoryMetrics(db)),
    ...(walSyncs ? walSyncMetrics(walSyncs) : []),
    ...(counted?.render() ?? []),
  ];
  return `${lines.join('\n')}\n`;
}

/** The latest finished directory sync of each outcome, across tenants (SQLite's max() picks the row its bare columns come from). */
async function directorySyncMetrics(db: Db): Promise<string[]> {
  const rows = await db.all<{ status: string; finished: number; ms: number }>(sql`
    SELECT status, max(finished_at) AS finished, finished_at - started_at AS ms FROM directory_syncs WHERE status <> 'running' GROUP BY status`);
  const success = rows.find((r) => r.status === 'succeeded');
  return [
    '# HELP herald_directory_sync_duration_seconds How long the latest directory sync from Microsoft Entra ID and Intune of each outcome took.',
    '# TYPE herald_directory_sync_duration_seconds gauge',
    ...rows.map((r) => `herald_directory_sync_duration_seconds{outcome="${r.status}"} ${r.ms / 1000}`),
    '# HELP herald_directory_sync_last_success_timestamp_seconds When the latest successful directory sync finished (Unix time).',
    '# TYPE herald_directory_sync_last_success_timestamp_seconds gauge',
    ...(success ? [`herald_directory_sync_last_success_timestamp_seconds ${success.finished / 1000}`] : []),
  ];
}

/** The WAL's fdatasyncs as a histogram: a durable write (a send's 202) waits for one, so its latency is at least that. */
function walSyncMetrics({ counts, sum }: SyncTimings): string[] {
  let cumulative = 0;
  const buckets = counts.map((n, i) => {
    cumulative += n;
    return `herald_wal_sync_seconds_bucket{le="${SYNC_BUCKETS[i] ?? '+Inf'}"} ${cumulative}`;
  });
  return [
    "# HELP herald_wal_sync_seconds How long each fdatasync of this process's WAL took: a durable write is answered after one.",
    '# TYPE herald_wal_sync_seconds histogram',
    ...buckets,
    `herald_wal_sync_seconds_sum ${sum}`,
    `herald_wal_sync_seconds_count ${cumulative}`,
  ];
}

/**
 * Where this process's memory goes: its resident set, V8's heap, memory held outside the heap for JavaScript objects
 * (buffers), and the most SQLite keeps in its page cache per connection (PRAGMA cache_size). Native memory (SQLite,
 * libuv, code) is the resident set less the heap.
 */
async function memoryMetrics(db: Db): Promise<string[]> {
  const { rss, heapTotal, heapUsed, external } = process.memoryUsage();
  const [cache] = await db.all<{ pages: number; pageSize: number }>(
    sql`SELECT cache_size AS pages, page_size AS pageSize FROM pragma_cache_size(), pragma_page_size()`,
  );
  // a negative cache_size is in KiB, a positive one in pages
  const cacheBytes = cache ? (cache.pages < 0 ? -cache.pages * 1024 : cache.pages * cache.pageSize) : 0;
  const gauge = (name: string, help: string, value: number) => [`# HELP ${name} ${help}`, `# TYPE ${name} gauge`, `${name} ${value}`];
  return [
    ...gauge('herald_resident_memory_bytes', 'Resident memory size in bytes.', rss),
    ...gauge('herald_heap_size_total_bytes', 'V8 heap size reserved, in bytes.', heapTotal),
    ...gauge('herald_heap_size_used_bytes', 'V8 heap size used, in bytes.', heapUsed),
    ...gauge('herald_external_memory_bytes', 'Memory outside the V8 heap held for JavaScript objects (buffers), in bytes.', external),
    ...gauge(
      'herald_db_page_cache_limit_bytes',
      'The most SQLite keeps in its page cache per database connection (PRAGMA cache_size), in bytes.',
      cacheBytes,
    ),
  ];
}
