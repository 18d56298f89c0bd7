import { sql, type SQL } from 'drizzle-orm';
import type { DirectoryDevice, PushService } from '../../shared/directory';
import { type AudienceSummary, type SkipReason, skipReasons, unsupportedPlatforms } from '../../shared/schemas';
import type { Db, Tx } from '../db/client';
import { closureUserIds, withGroupClosure } from './closure';

/**
 * A device's push registration as the API shows it (the token itself never leaves the server): `hasToken`
 * is false once a provider has rejected the token, as `skipReasonSql` then says noPushToken.
 */
export function pushView(row: {
  pushService: PushService | null;
  pushToken: string | null;
  pushTokenInvalidAt: number | null;
}): DirectoryDevice['push'] {
  return row.pushService ? { service: row.pushService, hasToken: row.pushToken !== null && row.pushTokenInvalidAt === null } : null;
}

/**
 * Why a push cannot reach the device row `alias` (a `devices` row), or NULL when it can: exactly one
 * reason, checked in the order of `skipReasons`. The one definition, for group sends, single-device
 * sends and the dispatcher's re-check at push time. The triggers that keep `user_reach` (migration 0018_user_reach.sql) spell
 * the same CASE over a device's new and old values: change both together (test/server/directory/user-reach.test.ts
 * fails otherwise).
 *
 * `push_service` stands for the token too: both come from a device's `push` ({service, token} or null),
 * so they are set together. Reading only columns of the `devices_audience` index keeps the audience
 * expansion off the table itself.
 */
const unsupportedList = sql.raw(unsupportedPlatforms.map((p) => `'${p}'`).join(', '));

export function skipReasonSql(alias: string): SQL {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(alias)) throw new Error(`Not an SQL alias: ${alias}`);
  const d = sql.raw(alias);
  return sql`CASE
    WHEN ${d}.platform IN (${unsupportedList}) THEN 'unsupportedPlatform'
    WHEN ${d}.management_state <> 'enrolled' THEN 'notEnrolled'
    WHEN NOT ${d}.notifications_permitted THEN 'notificationsNotPermitted'
    WHEN ${d}.push_service IS NULL OR ${d}.push_token_invalid_at IS NOT NULL THEN 'noPushToken'
  END`;
}

/**
 * `WITH RECURSIVE closure(id), audience_users(user_id), audience(device_id, user_id, skip_reason)`:
 * the distinct users that are transitive members of `groupIds` (cycle-safe), then every device they
 * enrolled. Direct device members of the groups play no part.
 *
 * The users are materialized once, sorted, so the devices are found by in-order seeks of the covering
 * index `devices_audience` (tenant_id, enrolled_by_user_id, ...); the CROSS JOIN keeps that join order.
 */
function withAudience(tenantId: string, groupIds: readonly string[]): SQL {
  return sql`${withGroupClosure(tenantId, groupIds)},
  audience_users(user_id) AS MATERIALIZED (${closureUserIds(tenantId)} ORDER BY 1),
  audience(device_id, user_id, skip_reason) AS (
    SELECT d.id, d.enrolled_by_user_id, ${skipReasonSql('d')}
    FROM audience_users u CROSS JOIN devices d
    WHERE d.tenant_id = ${tenantId} AND d.enrolled_by_user_id = u.user_id
  )`;
}

/**
 * One statement yielding `(device_id, user_id, skip_reason)` for every device of the audience of
 * `groupIds`, ORDER BY device_id; skip_reason is NULL for a reachable device. Usable as a subquery:
 * `INSERT INTO deliveries (...) SELECT ... FROM (${audienceSelect(...)}) a`.
 */
export function audienceSelect(tenantId: string, groupIds: readonly string[]): SQL {
  return sql`${withAudience(tenantId, groupIds)}
  SELECT device_id, user_id, skip_reason FROM audience ORDER BY device_id`;
}

/**
 * Counts of the audience of `groupIds`, aggregated in SQL: `users` is the distinct users the groups reach
 * (transitively), `devices` the reachable devices they enrolled, `skipped` the others by reason. Read from each
 * user's counts in `user_reach` (kept by triggers on devices, see server/db/schema.ts), one seek per user, instead
 * of from every device with its skip reason: the same figures as counting `audienceSelect`'s rows.
 */
export async function summarizeAudience(db: Db | Tx, tenantId: string, groupIds: readonly string[]): Promise<AudienceSummary> {
  const [row] = await db.all<{ users: number } & Record<keyof typeof reachCounts, number>>(sql`${withGroupClosure(tenantId, groupIds)},
  audience_users(user_id) AS MATERIALIZED (${closureUserIds(tenantId)} ORDER BY 1)
  SELECT count(*) AS users, ${sql.raw(
    Object.entries(reachCounts)
      .map(([field, column]) => `coalesce(sum(r.${column}), 0) AS ${field}`)
      .join(', '),
  )}
  FROM audience_users u LEFT JOIN user_reach r ON r.tenant_id = ${tenantId} AND r.user_id = u.user_id`);
  const summary: AudienceSummary = { users: row?.users ?? 0, devices: row?.reachable ?? 0, skipped: {} };
  for (const reason of reasonsInOrder) if (row?.[reason]) summary.skipped[reason] = row[reason];
  return summary;
}

/** The columns of `user_reach`: the reachable devices, and those skipped by each reason. */
const reachCounts = {
  reachable: 'reachable',
  unsupportedPlatform: 'unsupported_platform',
  notEnrolled: 'not_enrolled',
  notificationsNotPermitted: 'notifications_not_permitted',
  noPushToken: 'no_push_token',
} as const satisfies Record<SkipReason | 'reachable', string>;

/** `skipped`'s keys in the order the snapshot's summary gives them (GROUP BY reason), so a preview reads as its send. */
const reasonsInOrder = [...skipReasons].sort();
