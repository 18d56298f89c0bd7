import { eq } from 'drizzle-orm';
import type { TenantSettings } from '../../shared/schemas';
import { auditIn } from '../audit/log';
import type { Database, Db, Tx } from '../db/client';
import { tenants } from '../db/schema';
import type { Principal } from '../core/principal';

const columns = {
  groupSendsPerHour: tenants.groupSendsPerHour,
  deviceSendsPerHour: tenants.deviceSendsPerHour,
  retainMessageTextDays: tenants.retainMessageTextDays,
  pushTtlHours: tenants.pushTtlHours,
  contentFreePush: tenants.contentFreePush,
  directorySyncMinutes: tenants.directorySyncMinutes,
};

export async function readSettings(db: Db | Tx, tenantId: string): Promise<TenantSettings> {
  const [row] = await db.select(columns).from(tenants).where(eq(tenants.id, tenantId));
  if (!row) throw new Error(`tenant ${tenantId} vanished`);
  return row;
}

export function updateSettings(database: Database, principal: Principal, patch: Partial<TenantSettings>, now: number) {
  return database.write(async (tx) => {
    if (Object.keys(patch).length === 0) return readSettings(tx, principal.tenantId);
    await tx.update(tenants).set(patch).where(eq(tenants.id, principal.tenantId));
    await auditIn(tx, {
      tenantId: principal.tenantId,
      actorAccountId: principal.accountId,
      action: 'tenant.settings.update',
      target: principal.tenantId,
      outcome: 'success',
      details: patch,
      at: now,
    });
    return readSettings(tx, principal.tenantId);
  });
}
