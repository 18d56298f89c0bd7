import { and, eq, isNull, sql } from 'drizzle-orm';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';
import { APP_ROLES, BUILT_IN_ROLES, type Permission } from '../../shared/permissions';
import type { Grant, Principal, Scope, SignIn } from '../core/principal';
import type { Database } from '../db/client';
import { preparedPer } from '../db/prepared';
import { accounts, apiTokens, roleAssignmentAccounts, roleAssignments, roles, tenants } from '../db/schema';

const builtIn = new Map(BUILT_IN_ROLES.map((r) => [r.id, r]));

/**
 * Accounts with their tenant and their role assignments in that tenant (a custom role's permissions with it), one
 * row per assignment (one with a null role for none), selecting `extra` beside them; callers add their key.
 */
export const accountGrants = <S extends Record<string, SQLiteColumn>>(db: Database['db'], extra: S) =>
  db
    .select({
      ...extra,
      tenantId: accounts.tenantId,
      accountId: accounts.id,
      email: accounts.email,
      tenantName: tenants.name,
      roleId: roleAssignments.roleId,
      scope: roleAssignments.scope,
      custom: roles.permissions,
    })
    .from(accounts)
    .innerJoin(tenants, eq(tenants.id, accounts.tenantId))
    .leftJoin(roleAssignmentAccounts, eq(roleAssignmentAccounts.accountId, accounts.id))
    .leftJoin(
      roleAssignments,
      and(eq(roleAssignments.id, roleAssignmentAccounts.assignmentId), eq(roleAssignments.tenantId, accounts.tenantId)),
    )
    .leftJoin(roles, and(eq(roles.id, roleAssignments.roleId), eq(roles.tenantId, roleAssignments.tenantId)))
    .$dynamic();

type AssignmentRow = { roleId: string | null; scope: Scope | null; custom: string[] | null };

/** The grants of an account's role assignments (rows of a left join: a null role is no assignment). */
export function assignedGrants(rows: AssignmentRow[]): Grant[] {
  return rows.flatMap((a) =>
    a.roleId === null
      ? []
      : [
          {
            roleId: a.roleId,
            permissions: new Set((builtIn.get(a.roleId)?.permissions ?? a.custom ?? []) as Permission[]),
            scope: a.scope!,
            source: { type: 'assignment' as const },
          },
        ],
  );
}

/** The grants of Herald app roles of an Entra ID token: each one's built-in role over the whole tenant. */
export const appRoleGrants = (appRoles: string[]): Grant[] =>
  appRoles.flatMap((appRole) => {
    const role = builtIn.get(APP_ROLES.get(appRole) ?? '');
    return role
      ? [{ roleId: role.id, permissions: new Set(role.permissions), scope: { type: 'all' }, source: { type: 'appRole', appRole } }]
      : [];
  });

/** An account, its tenant, the app roles of its last Entra sign-in and its role assignments in that tenant: one statement. */
export const accountQuery = preparedPer(({ db }: Database) =>
  accountGrants(db, { entraObjectId: accounts.entraObjectId, entraAppRoles: accounts.entraAppRoles })
    .where(and(eq(accounts.id, sql.placeholder('accountId')), eq(accounts.tenantId, sql.placeholder('tenantId'))))
    .prepare(),
);

/**
 * The rights an account has now, without a request: what a scheduled send is checked against when it fires. Signed
 * in with an API token, that token must still be valid (not revoked or deleted) and the rights are the account's
 * role assignments; signed in through Entra ID, the account must still be linked to that user, and the rights are its
 * role assignments plus the app roles of its last sign-in (no token is at hand to read them from). Null when the
 * account or token is gone.
 */
export async function principalNow(database: Database, tenantId: string, accountId: string, signIn: SignIn): Promise<Principal | null> {
  const rows = await accountQuery(database).all({ accountId, tenantId });
  const [account] = rows;
  if (!account) return null;
  if (signIn.source === 'apiToken') {
    const [token] = await database.db
      .select({ id: apiTokens.id })
      .from(apiTokens)
      .where(
        and(
          eq(apiTokens.id, signIn.tokenId),
          eq(apiTokens.tenantId, tenantId),
          eq(apiTokens.accountId, accountId),
          isNull(apiTokens.revokedAt),
        ),
      );
    if (!token) return null;
  } else if (account.entraObjectId !== signIn.oid) return null;
  const fromRoles = signIn.source === 'entra' ? appRoleGrants(account.entraAppRoles ?? []) : [];
  return {
    tenantId,
    tenantName: account.tenantName,
    accountId,
    email: account.email,
    signIn,
    grants: [...fromRoles, ...assignedGrants(rows)],
  };
}
