import { sql, type SQL } from 'drizzle-orm';
import type { DirectoryDevice, PushService } from '../../shared/directory';
import { type AudienceSummary, type SkipReason, unsupportedPlatforms } from '../../shared/schemas';
import type { Db } from '../db/client';
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
 * sends and the dispatcher's re-check at push time.
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
 * (transitively), `devices` the reachable devices they enrolled, `skipped` the others by reason.
 */
export async function summarizeAudience(db: Db, tenantId: string, groupIds: readonly string[]): Promise<AudienceSummary> {
  // One row per skip reason present (NULL: reachable), or a single row with n NULL when no device is.
  const rows = await db.all<{ users: number; skipReason: SkipReason | null; n: number | null }>(sql`${withAudience(tenantId, groupIds)}
  SELECT u.n AS users, a.skip_reason AS skipReason, a.n AS n
  FROM (SELECT count(*) AS n FROM audience_users) u
  LEFT JOIN (SELECT skip_reason, count(*) AS n FROM audience GROUP BY skip_reason) a ON true`);
  const summary: AudienceSummary = { users: rows[0]?.users ?? 0, devices: 0, skipped: {} };
  for (const { skipReason, n } of rows) {
    if (n === null) continue;
    if (skipReason === null) summary.devices = n;
    else summary.skipped[skipReason] = n;
  }
  return summary;
}
