import type { Permission } from '../../shared/permissions';

export type Scope = { type: 'all' } | { type: 'groups'; groupIds: string[] };

export interface Grant {
  roleId: string;
  permissions: ReadonlySet<Permission>;
  scope: Scope;
  /** A Herald role assignment of the account, or an Entra app role of the token (`appRole` names it). */
  source: { type: 'assignment' } | { type: 'appRole'; appRole: string };
}

/** How the caller signed in: a Herald API token, or an Entra ID access token of the user `oid`. */
export type SignIn = { source: 'apiToken'; tokenId: string } | { source: 'entra'; oid: string };

/** Who is calling: an account of one tenant, acting through one API token or an Entra ID sign-in. */
export interface Principal {
  tenantId: string;
  tenantName: string;
  accountId: string;
  email: string;
  signIn: SignIn;
  grants: Grant[];
}

/** Where a permission reaches: everywhere, or the transitive members of these scope groups. */
export type Reach = 'all' | string[];

/** The union of the scopes of every grant that holds `permission`; null when none does. */
export function reachOf(principal: Principal, permission: Permission): Reach | null {
  const groupIds = new Set<string>();
  let held = false;
  for (const grant of principal.grants) {
    if (!grant.permissions.has(permission)) continue;
    if (grant.scope.type === 'all') return 'all';
    held = true;
    for (const id of grant.scope.groupIds) groupIds.add(id);
  }
  return held ? [...groupIds] : null;
}

export function permissionsOf(principal: Principal): Permission[] {
  const all = new Set<Permission>();
  for (const grant of principal.grants) for (const p of grant.permissions) all.add(p);
  return [...all].sort();
}

/** A device signed in with its credential; its tenant is the one the credential was issued in. */
export interface DeviceIdentity {
  tenantId: string;
  deviceId: string;
}
