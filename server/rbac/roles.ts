import { randomUUID } from 'node:crypto';
import { and, asc, count, eq, inArray, ne, sql } from 'drizzle-orm';
import { BUILT_IN_ROLES } from '../../shared/permissions';
import type { Role, RoleCreate, RoleUpdate } from '../../shared/rbac';
import { auditIn } from '../audit/log';
import type { Database, Db, Tx } from '../db/client';
import { roleAssignments, roles } from '../db/schema';
import { conflict, forbidden, notFound } from '../core/errors';
import { assertRoleAdminRemains } from './lockout';
import type { Principal } from '../core/principal';

const builtInRoles: Role[] = BUILT_IN_ROLES.map((r) => ({
  id: r.id,
  displayName: r.displayName,
  permissions: [...r.permissions],
  builtIn: true,
}));
const builtInById = new Map(builtInRoles.map((r) => [r.id, r]));

const customColumns = { id: roles.id, displayName: roles.displayName, permissions: roles.permissions };
const asRole = (row: { id: string; displayName: string; permissions: string[] }): Role => ({
  ...row,
  permissions: row.permissions as Role['permissions'],
  builtIn: false,
});

/** Built-in roles first, then the tenant's custom roles by name. */
export async function listRoles(db: Db, tenantId: string): Promise<Role[]> {
  const custom = await db.select(customColumns).from(roles).where(eq(roles.tenantId, tenantId)).orderBy(asc(roles.displayName));
  return [...builtInRoles, ...custom.map(asRole)];
}

/** A built-in role or one of the tenant's custom roles; null when the tenant has no such role. */
export async function findRole(db: Db | Tx, tenantId: string, id: string): Promise<Role | null> {
  const builtIn = builtInById.get(id);
  if (builtIn) return builtIn;
  const [row] = await db
    .select(customColumns)
    .from(roles)
    .where(and(eq(roles.tenantId, tenantId), eq(roles.id, id)));
  return row ? asRole(row) : null;
}

/** Display names of the given roles, built-in or custom, keyed by id. */
export async function roleNames(db: Db, tenantId: string, ids: string[]): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  const custom: string[] = [];
  for (const id of ids) {
    const builtIn = builtInById.get(id);
    if (builtIn) names.set(id, builtIn.displayName);
    else custom.push(id);
  }
  if (custom.length) {
    const rows = await db
      .select({ id: roles.id, displayName: roles.displayName })
      .from(roles)
      .where(and(eq(roles.tenantId, tenantId), inArray(roles.id, custom)));
    for (const row of rows) names.set(row.id, row.displayName);
  }
  return names;
}

export async function getRole(db: Db | Tx, tenantId: string, id: string): Promise<Role> {
  const role = await findRole(db, tenantId, id);
  if (!role) throw notFound('Role', id);
  return role;
}

/** Role names are unique in a tenant, ignoring case, and never repeat a built-in role's name. */
async function assertNameFree(tx: Tx, tenantId: string, displayName: string, exceptId?: string): Promise<void> {
  const lower = displayName.toLowerCase();
  const clash =
    builtInRoles.some((r) => r.displayName.toLowerCase() === lower) ||
    (
      await tx
        .select({ id: roles.id })
        .from(roles)
        .where(
          and(eq(roles.tenantId, tenantId), sql`lower(${roles.displayName}) = ${lower}`, exceptId ? ne(roles.id, exceptId) : undefined),
        )
    ).length > 0;
  if (clash) throw conflict(`A role named '${displayName}' already exists.`);
}

/** Built-in roles cannot change; a custom role of this tenant is returned for editing. */
async function customRole(tx: Tx, tenantId: string, id: string): Promise<Role> {
  const role = await getRole(tx, tenantId, id);
  if (role.builtIn) throw forbidden(`The built-in role '${role.displayName}' is read-only; create a custom role instead.`);
  return role;
}

export function createRole(database: Database, principal: Principal, input: RoleCreate, now: number): Promise<Role> {
  return database.write(async (tx) => {
    await assertNameFree(tx, principal.tenantId, input.displayName);
    const id = randomUUID();
    await tx
      .insert(roles)
      .values({ id, tenantId: principal.tenantId, displayName: input.displayName, permissions: input.permissions, createdAt: now });
    await auditIn(tx, {
      tenantId: principal.tenantId,
      actorAccountId: principal.accountId,
      action: 'role.create',
      target: id,
      outcome: 'success',
      details: input,
      at: now,
    });
    return asRole({ id, ...input });
  });
}

export function updateRole(database: Database, principal: Principal, id: string, patch: RoleUpdate, now: number): Promise<Role> {
  return database.write(async (tx) => {
    const before = await customRole(tx, principal.tenantId, id);
    if (patch.displayName !== undefined) await assertNameFree(tx, principal.tenantId, patch.displayName, id);
    const after: Role = { ...before, ...patch };
    await tx
      .update(roles)
      .set({ displayName: after.displayName, permissions: after.permissions })
      .where(and(eq(roles.tenantId, principal.tenantId), eq(roles.id, id)));
    if (patch.permissions) await assertRoleAdminRemains(tx, principal.tenantId, `Changing the permissions of '${before.displayName}'`);
    const details = { before: { displayName: before.displayName, permissions: before.permissions }, after: patch };
    await auditIn(tx, {
      tenantId: principal.tenantId,
      actorAccountId: principal.accountId,
      action: 'role.update',
      target: id,
      outcome: 'success',
      details,
      at: now,
    });
    return after;
  });
}

/** Deletes a custom role that no assignment uses (409 otherwise). */
export function deleteRole(database: Database, principal: Principal, id: string, now: number): Promise<void> {
  return database.write(async (tx) => {
    const role = await customRole(tx, principal.tenantId, id);
    const [used] = await tx
      .select({ n: count() })
      .from(roleAssignments)
      .where(and(eq(roleAssignments.tenantId, principal.tenantId), eq(roleAssignments.roleId, id)));
    if (used && used.n > 0)
      throw conflict(`The role '${role.displayName}' is used by ${used.n} role assignment${used.n === 1 ? '' : 's'}; delete them first.`);
    await tx.delete(roles).where(and(eq(roles.tenantId, principal.tenantId), eq(roles.id, id)));
    await auditIn(tx, {
      tenantId: principal.tenantId,
      actorAccountId: principal.accountId,
      action: 'role.delete',
      target: id,
      outcome: 'success',
      details: { displayName: role.displayName },
      at: now,
    });
  });
}
