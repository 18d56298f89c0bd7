import { eq, sql } from 'drizzle-orm';
import type { TenantSettings } from '../../shared/schemas';
import { auditIn } from '../audit/log';
import type { Database, Db, Tx } from '../db/client';
import { tenants } from '../db/schema';
import { fixedStatement, rowsOf } from '../db/statement';
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
  return row ?? vanished(tenantId);
}

const vanished = (tenantId: string): never => {
  throw new Error(`tenant ${tenantId} vanished`);
};

/** The settings read, its SQL built once: every send reads them in its write transaction. */
const settingsIn = fixedStatement<{ tenantId: string }>(
  () =>
    sql`SELECT ${sql.join(
      Object.entries(columns).map(([name, column]) => sql`${column} AS ${sql.identifier(name)}`),
      sql`, `,
    )} FROM ${tenants} WHERE ${tenants.id} = ${sql.placeholder('tenantId')}`,
);

/**
 * readSettings in a write transaction (`database.write`), so a limit changed a moment ago is the one enforced, through
 * a statement built once; each value mapped as drizzle maps it (contentFreePush a boolean).
 */
export async function readSettingsIn(tx: Tx, tenantId: string): Promise<TenantSettings> {
  const [row] = await rowsOf<Record<string, unknown>>(settingsIn.run(tx, { tenantId }));
  if (!row) return vanished(tenantId);
  return Object.fromEntries(
    Object.entries(columns).map(([name, column]) => [name, row[name] === null ? null : column.mapFromDriverValue(row[name])]),
  ) as TenantSettings;
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
