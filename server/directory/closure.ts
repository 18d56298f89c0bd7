import { sql, type Column, type SQL } from 'drizzle-orm';

/**
 * `WITH RECURSIVE closure(id)`: the given groups and every group nested in them, transitively.
 * `UNION` (not `UNION ALL`) drops rows already seen, so membership cycles end the recursion.
 * The `CROSS JOIN`s keep SQLite walking from the closure into the members' primary key
 * (tenant_id, group_id, member_type): left to itself it scans every membership of the tenant per group.
 */
export function withGroupClosure(tenantId: string, groupIds: readonly string[]): SQL {
  return sql`WITH RECURSIVE closure(id) AS (
    SELECT value FROM json_each(${JSON.stringify(groupIds)})
    UNION
    SELECT gm.member_id FROM closure c CROSS JOIN group_members gm
    WHERE gm.tenant_id = ${tenantId} AND gm.group_id = c.id AND gm.member_type = 'group'
  )`;
}

/** Ids of the users that are transitive members of the closure (use after `withGroupClosure`). */
export function closureUserIds(tenantId: string): SQL {
  return sql`SELECT DISTINCT gm.member_id FROM closure c CROSS JOIN group_members gm
    WHERE gm.tenant_id = ${tenantId} AND gm.group_id = c.id AND gm.member_type = 'user'`;
}

/** Ids of the devices that are direct members of any group in the closure (use after `withGroupClosure`). */
export function closureDeviceIds(tenantId: string): SQL {
  return sql`SELECT DISTINCT gm.member_id FROM closure c CROSS JOIN group_members gm
    WHERE gm.tenant_id = ${tenantId} AND gm.group_id = c.id AND gm.member_type = 'device'`;
}

/**
 * The condition that a device is in the scope of `scope` groups: it, or the user who enrolled it, is a transitive
 * member of one. `id` and `enrolledBy` are its columns; each side is an uncorrelated subquery, walked once per query.
 */
export function deviceInScopeSql(tenantId: string, scope: readonly string[], id: Column | SQL, enrolledBy: Column | SQL): SQL {
  return sql`(${id} IN (${withGroupClosure(tenantId, scope)} ${closureDeviceIds(tenantId)})
    OR ${enrolledBy} IN (${withGroupClosure(tenantId, scope)} ${closureUserIds(tenantId)}))`;
}
