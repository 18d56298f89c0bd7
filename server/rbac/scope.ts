import { sql } from 'drizzle-orm';
import type { Permission } from '../../shared/permissions';
import type { Db } from '../db/client';
import { closureUserIds, deviceInScopeSql, withGroupClosure } from '../directory/closure';
import { missingPermission } from '../core/errors';
import { reachOf, type Principal, type Reach } from '../core/principal';

/** Throws 403 naming the permission unless some grant holds it; returns where it reaches. */
export function requirePermission(principal: Principal, permission: Permission): Reach {
  const reach = reachOf(principal, permission);
  if (reach === null) throw missingPermission(permission);
  return reach;
}

/** Of `groupIds`, those that are neither a scope group nor nested (transitively) inside one. */
export async function groupsOutsideScope(db: Db, tenantId: string, scope: string[], groupIds: string[]): Promise<string[]> {
  const rows = await db.all<{ id: string }>(sql`${withGroupClosure(tenantId, scope)}
    SELECT value AS id FROM json_each(${JSON.stringify(groupIds)}) WHERE value NOT IN (SELECT id FROM closure)`);
  return rows.map((r) => r.id);
}

/** A device is in scope if it, or the user who enrolled it, is a transitive member of a scope group. */
export async function deviceInScope(db: Db, tenantId: string, scope: string[], deviceId: string): Promise<boolean> {
  const rows = await db.all<{ ok: number }>(sql`SELECT 1 AS ok FROM devices d WHERE d.tenant_id = ${tenantId} AND d.id = ${deviceId}
    AND ${deviceInScopeSql(tenantId, scope, sql`d.id`, sql`d.enrolled_by_user_id`)}`);
  return rows.length > 0;
}

export async function userInScope(db: Db, tenantId: string, scope: string[], userId: string): Promise<boolean> {
  const rows = await db.all<{ ok: number }>(sql`${withGroupClosure(tenantId, scope)}
    SELECT 1 AS ok WHERE ${userId} IN (${closureUserIds(tenantId)})`);
  return rows.length > 0;
}

/** Requires `permission` over one device: 403 if it is held but the device lies outside every scope. */
export async function requireOverDevice(db: Db, principal: Principal, permission: Permission, deviceId: string): Promise<void> {
  const reach = requirePermission(principal, permission);
  if (reach !== 'all' && !(await deviceInScope(db, principal.tenantId, reach, deviceId)))
    throw missingPermission(permission, `device '${deviceId}' (it is outside your scope groups)`);
}
