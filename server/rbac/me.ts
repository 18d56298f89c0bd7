import type { Me } from '../../shared/rbac';
import type { Db } from '../db/client';
import { permissionsOf, type Principal } from '../core/principal';
import { roleNames } from './roles';

/** The caller as a client shows it: tenant, account, how it signed in, every permission held and each grant with its scope and source. */
export async function describeMe(db: Db, principal: Principal): Promise<Me> {
  const names = await roleNames(db, principal.tenantId, [...new Set(principal.grants.map((g) => g.roleId))]);
  return {
    tenant: { id: principal.tenantId, name: principal.tenantName },
    account: { id: principal.accountId, email: principal.email },
    signIn: { source: principal.signIn.source },
    permissions: permissionsOf(principal),
    scopes: principal.grants.map((g) => ({
      roleId: g.roleId,
      roleName: names.get(g.roleId) ?? g.roleId,
      permissions: [...g.permissions].sort(),
      scope: g.scope,
      source: g.source,
    })),
  };
}
