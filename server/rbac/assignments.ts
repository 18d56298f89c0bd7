import { randomUUID } from 'node:crypto';
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { RoleAssignment, RoleAssignmentCreate } from '../../shared/rbac';
import { auditIn } from '../audit/log';
import type { Database, Db, Tx } from '../db/client';
import { accounts, groups, roleAssignmentAccounts, roleAssignments } from '../db/schema';
import { invalidRequest, notFound } from '../core/errors';
import type { Principal } from '../core/principal';
import { assertRoleAdminRemains } from './lockout';
import { findRole, roleNames } from './roles';

type Row = { id: string; roleId: string; scope: RoleAssignment['scope']; createdAt: number };

/** Of `ids`, those with no row in `table` for the tenant, in the order given. */
async function absentIds(tx: Tx, table: typeof accounts | typeof groups, tenantId: string, ids: string[]): Promise<string[]> {
  const rows = await tx.all<{ id: string }>(sql`SELECT value AS id FROM json_each(${JSON.stringify(ids)})
    WHERE value NOT IN (SELECT ${table.id} FROM ${table} WHERE ${table.tenantId} = ${tenantId})`);
  return rows.map((r) => r.id);
}

const named = (field: string, what: string, ids: string[]) =>
  invalidRequest(
    `${field}: ${what} ${ids.map((id) => `'${id}'`).join(', ')} ${ids.length === 1 ? 'does' : 'do'} not exist in this tenant.`,
  );

async function withAccounts(db: Db | Tx, rows: Row[]): Promise<Omit<RoleAssignment, 'roleName'>[]> {
  if (!rows.length) return [];
  const members = await db
    .select({ assignmentId: roleAssignmentAccounts.assignmentId, accountId: roleAssignmentAccounts.accountId })
    .from(roleAssignmentAccounts)
    .where(
      inArray(
        roleAssignmentAccounts.assignmentId,
        rows.map((r) => r.id),
      ),
    )
    .orderBy(asc(roleAssignmentAccounts.accountId));
  return rows.map((r) => ({
    id: r.id,
    roleId: r.roleId,
    accountIds: members.filter((m) => m.assignmentId === r.id).map((m) => m.accountId),
    scope: r.scope,
    createdAt: new Date(r.createdAt).toISOString(),
  }));
}

const columns = {
  id: roleAssignments.id,
  roleId: roleAssignments.roleId,
  scope: roleAssignments.scope,
  createdAt: roleAssignments.createdAt,
};

export async function listAssignments(db: Db, tenantId: string): Promise<RoleAssignment[]> {
  const rows = await db
    .select(columns)
    .from(roleAssignments)
    .where(eq(roleAssignments.tenantId, tenantId))
    .orderBy(asc(roleAssignments.createdAt), asc(roleAssignments.id));
  const names = await roleNames(db, tenantId, [...new Set(rows.map((r) => r.roleId))]);
  return (await withAccounts(db, rows)).map((a) => ({ ...a, roleName: names.get(a.roleId) ?? a.roleId }));
}

/** Grants a role to accounts over a scope; the role, every account and every scope group must exist in the tenant. */
export function createAssignment(
  database: Database,
  principal: Principal,
  input: RoleAssignmentCreate,
  now: number,
): Promise<RoleAssignment> {
  const { tenantId } = principal;
  return database.write(async (tx) => {
    const role = await findRole(tx, tenantId, input.roleId);
    if (!role) throw named('roleId', 'role', [input.roleId]);
    const absentAccounts = await absentIds(tx, accounts, tenantId, input.accountIds);
    if (absentAccounts.length) throw named('accountIds', absentAccounts.length === 1 ? 'account' : 'accounts', absentAccounts);
    if (input.scope.type === 'groups') {
      const absentGroups = await absentIds(tx, groups, tenantId, input.scope.groupIds);
      if (absentGroups.length) throw named('scope.groupIds', absentGroups.length === 1 ? 'group' : 'groups', absentGroups);
    }
    const id = randomUUID();
    await tx.insert(roleAssignments).values({ id, tenantId, roleId: role.id, scope: input.scope, createdAt: now });
    await tx.insert(roleAssignmentAccounts).values(input.accountIds.map((accountId) => ({ assignmentId: id, accountId })));
    await auditIn(tx, {
      tenantId,
      actorAccountId: principal.accountId,
      action: 'roleAssignment.create',
      target: id,
      outcome: 'success',
      details: { ...input, roleName: role.displayName },
      at: now,
    });
    return {
      id,
      roleId: role.id,
      roleName: role.displayName,
      accountIds: [...input.accountIds].sort(),
      scope: input.scope,
      createdAt: new Date(now).toISOString(),
    };
  });
}

export function deleteAssignment(database: Database, principal: Principal, id: string, now: number): Promise<void> {
  const { tenantId } = principal;
  return database.write(async (tx) => {
    const rows = await tx
      .select(columns)
      .from(roleAssignments)
      .where(and(eq(roleAssignments.tenantId, tenantId), eq(roleAssignments.id, id)));
    const [before] = await withAccounts(tx, rows);
    if (!before) throw notFound('Role assignment', id);
    await tx.delete(roleAssignmentAccounts).where(eq(roleAssignmentAccounts.assignmentId, id));
    await tx.delete(roleAssignments).where(and(eq(roleAssignments.tenantId, tenantId), eq(roleAssignments.id, id)));
    await assertRoleAdminRemains(tx, tenantId, 'Deleting this role assignment');
    await auditIn(tx, {
      tenantId,
      actorAccountId: principal.accountId,
      action: 'roleAssignment.delete',
      target: id,
      outcome: 'success',
      details: { roleId: before.roleId, accountIds: before.accountIds, scope: before.scope },
      at: now,
    });
  });
}
