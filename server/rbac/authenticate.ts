import { and, eq, isNull, sql } from 'drizzle-orm';
import { createMiddleware } from 'hono/factory';
import { audit } from '../audit/log';
import type { Database } from '../db/client';
import { preparedPer } from '../db/prepared';
import { accounts, apiTokens } from '../db/schema';
import { accountGrants, accountQuery, appRoleGrants, assignedGrants } from './grants';
import { unauthenticated } from '../core/errors';
import type { AppEnv } from '../http/env';
import { hashSecret } from '../core/secrets';
import type { Principal } from '../core/principal';
import { accountForEntraUser } from '../identity/entra-accounts';
import { EntraTokenError, type EntraBinding, type EntraUser, type EntraVerifier } from '../identity/entra-token';

/** lastUsedAt is kept to this precision, so a busy token costs one write a minute, not one a request. */
export const LAST_USED_PRECISION_MS = 60_000;

/** The token, its account and tenant, and the account's role assignments in the token's tenant: one statement. */
const tokenQuery = preparedPer(({ db }: Database) =>
  accountGrants(db, { lastUsedAt: apiTokens.lastUsedAt, tokenId: apiTokens.id })
    .innerJoin(apiTokens, and(eq(apiTokens.accountId, accounts.id), eq(apiTokens.tenantId, accounts.tenantId)))
    .where(and(eq(apiTokens.hash, sql.placeholder('hash')), isNull(apiTokens.revokedAt)))
    .prepare(),
);

/** Loads the caller behind a bearer token, or null for a missing, unknown or revoked one; notes when the token was used. */
export async function principalForToken(database: Database, token: string, now = Date.now()): Promise<Principal | null> {
  const rows = await tokenQuery(database).all({ hash: hashSecret(token) });
  const [found] = rows;
  if (!found) return null;
  const { lastUsedAt, tokenId, tenantId, accountId, email, tenantName } = found;
  // Best effort and off the request path: a request never waits behind an import for this timestamp.
  if (lastUsedAt === null || now - lastUsedAt >= LAST_USED_PRECISION_MS)
    void database.write((tx) => tx.update(apiTokens).set({ lastUsedAt: now }).where(eq(apiTokens.id, tokenId))).catch(() => undefined);
  return { tenantId, accountId, email, tenantName, signIn: { source: 'apiToken', tokenId }, grants: assignedGrants(rows) };
}

/**
 * The caller behind a verified Entra ID access token: its account (found by `oid`, linked or created at the first
 * sign-in), granted the built-in role of each Herald app role in the token over the whole tenant, and its Herald
 * role assignments beside them.
 */
export async function principalForEntraUser(database: Database, binding: EntraBinding, user: EntraUser, now: number): Promise<Principal> {
  const { tenantId } = binding;
  const account = await accountForEntraUser(database, tenantId, user, now);
  const rows = await accountQuery(database).all({ accountId: account.id, tenantId });
  // kept for the sends this user schedules: they fire with no token to read the roles from (see principalNow)
  const appRoles = [...new Set(user.roles)].sort();
  if (rows[0] && JSON.stringify(rows[0].entraAppRoles) !== JSON.stringify(appRoles))
    await database.write((tx) => tx.update(accounts).set({ entraAppRoles: appRoles }).where(eq(accounts.id, account.id)));
  const fromRoles = appRoleGrants(user.roles);
  return {
    tenantId,
    tenantName: rows[0]?.tenantName ?? '',
    accountId: account.id,
    email: account.email,
    signIn: { source: 'entra', oid: user.oid },
    grants: [...fromRoles, ...assignedGrants(rows)],
  };
}

/** A Herald API token (`hrld_...`) or, by its shape, an Entra ID access token (a JSON Web Token: three dotted parts). */
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/**
 * Requires `Authorization: Bearer <Herald API token or Entra ID access token>` and puts the caller in
 * `c.var.principal`. A refused Entra token is audited in its Herald tenant when the token named one.
 */
export const authenticate = (database: Database, now: () => number = Date.now) =>
  createMiddleware<AppEnv>(async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match?.[1]) throw unauthenticated();
    const token = match[1];
    if (!token.startsWith('hrld_') && JWT_SHAPE.test(token)) {
      c.set('principal', await entraPrincipal(database, c.var.entraVerifier, token, now()));
      return next();
    }
    const principal = await principalForToken(database, token, now());
    if (!principal) throw unauthenticated('The API token is unknown or has been revoked.');
    c.set('principal', principal);
    await next();
  });

async function entraPrincipal(database: Database, verifier: EntraVerifier, token: string, now: number): Promise<Principal> {
  try {
    const { binding, user } = await verifier.verify(token);
    return await principalForEntraUser(database, binding, user, now);
  } catch (error) {
    if (!(error instanceof EntraTokenError)) throw error;
    if (error.tenantId)
      await audit(database, {
        tenantId: error.tenantId,
        actorAccountId: null,
        action: 'signIn.entra',
        outcome: 'rejected',
        details: { message: error.message },
        at: now,
      });
    throw unauthenticated(`The Entra ID access token was refused: ${error.message}`);
  }
}
