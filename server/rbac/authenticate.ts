import { and, eq, isNull, sql } from 'drizzle-orm';
import { createMiddleware } from 'hono/factory';
import { BUILT_IN_ROLES, type Permission } from '../../shared/permissions';
import type { Database } from '../db/client';
import { preparedPer } from '../db/prepared';
import { accounts, apiTokens, roleAssignmentAccounts, roleAssignments, roles, tenants } from '../db/schema';
import { unauthenticated } from '../core/errors';
import type { AppEnv } from '../http/env';
import { hashSecret } from '../core/secrets';
import type { Grant, Principal } from '../core/principal';

const builtIn = new Map(BUILT_IN_ROLES.map((r) => [r.id, r]));

/** lastUsedAt is kept to this precision, so a busy token costs one write a minute, not one a request. */
export const LAST_USED_PRECISION_MS = 60_000;

/** The token, its account and tenant, and the account's role assignments in the token's tenant: one statement. */
const tokenQuery = preparedPer(({ db }: Database) =>
  db
    .select({
      lastUsedAt: apiTokens.lastUsedAt,
      tokenId: apiTokens.id,
      tenantId: apiTokens.tenantId,
      accountId: accounts.id,
      email: accounts.email,
      tenantName: tenants.name,
      roleId: roleAssignments.roleId,
      scope: roleAssignments.scope,
      custom: roles.permissions,
    })
    .from(apiTokens)
    .innerJoin(accounts, eq(accounts.id, apiTokens.accountId))
    .innerJoin(tenants, eq(tenants.id, apiTokens.tenantId))
    .leftJoin(roleAssignmentAccounts, eq(roleAssignmentAccounts.accountId, accounts.id))
    .leftJoin(
      roleAssignments,
      and(eq(roleAssignments.id, roleAssignmentAccounts.assignmentId), eq(roleAssignments.tenantId, apiTokens.tenantId)),
    )
    .leftJoin(roles, and(eq(roles.id, roleAssignments.roleId), eq(roles.tenantId, roleAssignments.tenantId)))
    .where(and(eq(apiTokens.hash, sql.placeholder('hash')), isNull(apiTokens.revokedAt)))
    .prepare(),
);

/** Loads the caller behind a bearer token, or null for a missing, unknown or revoked one; notes when the token was used. */
export async function principalForToken(database: Database, token: string, now = Date.now()): Promise<Principal | null> {
  const rows = await tokenQuery(database).all({ hash: hashSecret(token) });
  const [found] = rows;
  if (!found) return null;
  const { lastUsedAt, tokenId, tenantId, accountId, email, tenantName } = found;
  const row = { tokenId, tenantId, accountId, email, tenantName };
  // Best effort and off the request path: a request never waits behind an import for this timestamp.
  if (lastUsedAt === null || now - lastUsedAt >= LAST_USED_PRECISION_MS)
    void database.write((tx) => tx.update(apiTokens).set({ lastUsedAt: now }).where(eq(apiTokens.id, tokenId))).catch(() => undefined);
  const grants: Grant[] = rows.flatMap((a) =>
    a.roleId === null
      ? []
      : [
          {
            roleId: a.roleId,
            permissions: new Set((builtIn.get(a.roleId)?.permissions ?? a.custom ?? []) as Permission[]),
            scope: a.scope!,
          },
        ],
  );
  return { ...row, grants };
}

/** Requires `Authorization: Bearer <token>` and puts the caller in `c.var.principal`. */
export const authenticate = (database: Database, now: () => number = Date.now) =>
  createMiddleware<AppEnv>(async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match?.[1]) throw unauthenticated();
    const principal = await principalForToken(database, match[1], now());
    if (!principal) throw unauthenticated('The API token is unknown or has been revoked.');
    c.set('principal', principal);
    await next();
  });
