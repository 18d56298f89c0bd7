import { sql } from 'drizzle-orm';
import type { AudienceSummary, SkipReason, Target } from '../../shared/schemas';
import type { Db } from '../db/client';
import { skipReasonSql, summarizeAudience } from '../directory/audience';
import type { Principal } from '../rbac/principal';
import { authorizeTarget } from './send';

/** The audience a send would have now, under the same checks, without sending or using quota. */
export async function previewAudience(db: Db, principal: Principal, target: Target): Promise<AudienceSummary> {
  const device = await authorizeTarget(db, principal, target);
  if (target.type === 'groups') return summarizeAudience(db, principal.tenantId, target.groupIds);
  const [row] = await db.all<{ reason: SkipReason | null }>(
    sql`SELECT ${skipReasonSql('d')} AS reason FROM devices d WHERE d.tenant_id = ${principal.tenantId} AND d.id = ${target.deviceId}`,
  );
  const users = device?.enrolledByUserId ? 1 : 0;
  return row?.reason ? { users, devices: 0, skipped: { [row.reason]: 1 } } : { users, devices: 1, skipped: {} };
}
