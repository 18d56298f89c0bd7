import { sql } from 'drizzle-orm';
import type { Tx } from '../db/client';
import { skipReasonSql } from './audience';

/** Below this many devices written, the triggers keep `user_reach` (a few microseconds a device) and nothing is recounted. */
const RECOUNT_FROM = 1_000;

/**
 * Runs `write`, a write of about `devices` device rows of the tenant, and keeps `user_reach` exact through it. A big one
 * (as many devices as half the users the tenant counts, or more) pauses the per-row triggers for the tenant and recounts
 * the tenant's `user_reach` in one ordered pass of `devices_audience` afterwards (an import, a directory sync's devices):
 * on a first import of 200,000 devices
 * the triggers' one random upsert per device cost more than half again the CPU of writing the devices. The pause lives
 * only inside this transaction (a failed write rolls it back with everything else), and a process writes one
 * transaction at a time, so no other write can meet it.
 */
export async function keepingReach<T>(tx: Tx, tenantId: string, devices: number, write: () => Promise<T>): Promise<T> {
  if (devices < RECOUNT_FROM) return write();
  const [counted] = await tx.all<{ n: number }>(sql`SELECT count(*) AS n FROM user_reach WHERE tenant_id = ${tenantId}`);
  if (devices * 2 < (counted?.n ?? 0)) return write();
  await tx.run(sql`INSERT INTO user_reach_recounts (tenant_id) VALUES (${tenantId})`);
  const result = await write();
  await tx.run(sql`DELETE FROM user_reach WHERE tenant_id = ${tenantId}`);
  await tx.run(sql`INSERT INTO user_reach (tenant_id, user_id, reachable, unsupported_platform, not_enrolled,
      notifications_not_permitted, no_push_token)
    SELECT ${tenantId}, user_id, sum(r IS NULL), sum(r IS 'unsupportedPlatform'), sum(r IS 'notEnrolled'),
      sum(r IS 'notificationsNotPermitted'), sum(r IS 'noPushToken')
    FROM (SELECT d.enrolled_by_user_id AS user_id, ${skipReasonSql('d')} AS r FROM devices d
      WHERE d.tenant_id = ${tenantId} AND d.enrolled_by_user_id IS NOT NULL)
    GROUP BY user_id`);
  await tx.run(sql`DELETE FROM user_reach_recounts WHERE tenant_id = ${tenantId}`);
  return result;
}
