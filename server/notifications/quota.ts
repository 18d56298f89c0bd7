import { and, eq, gt, inArray, lte, sql, type SQL } from 'drizzle-orm';
import type { Database, Db, Tx } from '../db/client';
import { deviceSends, notifications } from '../db/schema';
import { quotaExceeded } from '../core/errors';

export const QUOTA_WINDOW_MS = 60 * 60 * 1000;

export interface QuotaUse {
  used: number;
  limit: number;
  /** When the oldest send in the window leaves it (ISO), or null when none is in it. */
  resetsAt: string | null;
  /** Seconds until a slot frees when the quota is full, else 0. */
  retryAfter: number;
}

/**
 * The rolling-hour window of one quota, as a `SELECT created_at`: group sends of a tenant (the notifications'
 * partial index; the kind is a literal, not a bound parameter: with a parameter SQLite still picks the partial
 * index, but by re-planning the statement whenever that parameter is bound, which would undo the kept prepared
 * statement on every send), or sends to one device, single or as part of a bulk send (device_sends).
 */
export function quotaWindow(tenantId: string, target: { kind: 'groups' } | { kind: 'device'; deviceId: string }, now: number): SQL {
  const since = now - QUOTA_WINDOW_MS;
  return target.kind === 'groups'
    ? sql`SELECT ${notifications.createdAt} AS created_at FROM ${notifications}
        WHERE ${and(eq(notifications.tenantId, tenantId), sql`${notifications.kind} = 'groups'`, gt(notifications.createdAt, since))}`
    : sql`SELECT ${deviceSends.createdAt} AS created_at FROM ${deviceSends}
        WHERE ${and(eq(deviceSends.tenantId, tenantId), eq(deviceSends.deviceId, target.deviceId), gt(deviceSends.createdAt, since))}`;
}

/**
 * Reads how much of a quota is used; inside the send transaction this is exact, since writes are serialised.
 * One statement: the count and the send whose departure frees a slot (the oldest while slots remain).
 */
export async function readQuota(db: Db | Tx, window: SQL, limit: number, now: number): Promise<QuotaUse> {
  const [row] = await db.all<{ used: number; oldest: number | null }>(
    sql`WITH w AS (${window})
      SELECT (SELECT count(*) FROM w) AS used,
        (SELECT created_at FROM w ORDER BY created_at LIMIT 1 OFFSET max(0, (SELECT count(*) FROM w) - ${limit})) AS oldest`,
  );
  const used = row?.used ?? 0;
  const oldest = row?.oldest ?? null;
  const frees = oldest === null ? null : oldest + QUOTA_WINDOW_MS;
  return {
    used,
    limit,
    resetsAt: frees === null ? null : new Date(frees).toISOString(),
    retryAfter: used >= limit && frees !== null ? Math.max(1, Math.ceil((frees - now) / 1000)) : used >= limit ? 1 : 0,
  };
}

/** Of `deviceIds`, those whose device quota is used up now (one statement for a bulk send's devices). */
export async function devicesAtQuota(tx: Tx, tenantId: string, deviceIds: string[], limit: number, now: number): Promise<Set<string>> {
  if (deviceIds.length === 0) return new Set();
  const rows = await tx.all<{ device_id: string }>(
    sql`SELECT ${deviceSends.deviceId} AS device_id FROM ${deviceSends}
      WHERE ${and(eq(deviceSends.tenantId, tenantId), inArray(deviceSends.deviceId, deviceIds), gt(deviceSends.createdAt, now - QUOTA_WINDOW_MS))}
      GROUP BY ${deviceSends.deviceId} HAVING count(*) >= ${limit}`,
  );
  return new Set(rows.map((r) => r.device_id));
}

/**
 * Deletes the device sends that have left every quota window, so device_sends holds about an hour of sends; a read
 * first, so an idle server takes no write lock. Returns how many were deleted.
 */
export async function pruneDeviceSends(database: Database, now: number): Promise<number> {
  const old = lte(deviceSends.createdAt, now - QUOTA_WINDOW_MS);
  const [any] = await database.db.select({ at: deviceSends.createdAt }).from(deviceSends).where(old).limit(1);
  if (!any) return 0;
  return (await database.write((tx) => tx.delete(deviceSends).where(old))).rowsAffected;
}

/** Throws 429 with Retry-After when the quota is full. */
export function assertQuota(use: QuotaUse, name: string): void {
  if (use.used < use.limit) return;
  throw quotaExceeded(
    `The ${name} quota of ${use.limit} per hour is used up; it frees a slot at ${use.resetsAt} (in ${use.retryAfter} s).`,
    use.retryAfter,
  );
}
