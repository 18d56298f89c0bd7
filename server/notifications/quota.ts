import { and, asc, count, eq, gt, type SQL } from 'drizzle-orm';
import type { Db, Tx } from '../db/client';
import { notifications } from '../db/schema';
import { quotaExceeded } from '../errors';

export const QUOTA_WINDOW_MS = 60 * 60 * 1000;

export interface QuotaUse {
  used: number;
  limit: number;
  /** When the oldest send in the window leaves it (ISO), or null when none is in it. */
  resetsAt: string | null;
  /** Seconds until a slot frees when the quota is full, else 0. */
  retryAfter: number;
}

/** The rolling-hour window of one quota: group sends of a tenant, or device sends to one device. */
export function quotaWindow(tenantId: string, target: { kind: 'groups' } | { kind: 'device'; deviceId: string }, now: number): SQL {
  const since = gt(notifications.createdAt, now - QUOTA_WINDOW_MS);
  return target.kind === 'groups'
    ? and(eq(notifications.tenantId, tenantId), eq(notifications.kind, 'groups'), since)!
    : and(eq(notifications.tenantId, tenantId), eq(notifications.deviceId, target.deviceId), eq(notifications.kind, 'device'), since)!;
}

/** Reads how much of a quota is used; inside the send transaction this is exact, since writes are serialised. */
export async function readQuota(db: Db | Tx, window: SQL, limit: number, now: number): Promise<QuotaUse> {
  const [row] = await db.select({ used: count() }).from(notifications).where(window);
  const used = row?.used ?? 0;
  const [oldest] = await db
    .select({ createdAt: notifications.createdAt })
    .from(notifications)
    .where(window)
    .orderBy(asc(notifications.createdAt))
    .limit(1)
    .offset(Math.max(0, used - limit));
  const frees = oldest ? oldest.createdAt + QUOTA_WINDOW_MS : null;
  return {
    used,
    limit,
    resetsAt: frees === null ? null : new Date(frees).toISOString(),
    retryAfter: used >= limit && frees !== null ? Math.max(1, Math.ceil((frees - now) / 1000)) : used >= limit ? 1 : 0,
  };
}

/** Throws 429 with Retry-After when the quota is full. */
export function assertQuota(use: QuotaUse, name: string): void {
  if (use.used < use.limit) return;
  throw quotaExceeded(
    `The ${name} quota of ${use.limit} per hour is used up; it frees a slot at ${use.resetsAt} (in ${use.retryAfter} s).`,
    use.retryAfter,
  );
}

