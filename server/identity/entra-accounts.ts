import { randomUUID } from 'node:crypto';
import { and, eq, isNull, sql } from 'drizzle-orm';
import { auditIn } from '../audit/log';
import type { Database } from '../db/client';
import { accounts } from '../db/schema';
import { EntraTokenError, type EntraUser } from './entra-token';

/**
 * The Herald account of an Entra user of `tenantId`: the one linked to its `oid`; else, at its first sign-in, the
 * account prepared with its username as email (linked to the `oid` once, keeping its role assignments), or a new
 * one (just in time, with no role assignment). An email account already linked to another user, or in use with API
 * tokens, is refused.
 */
export async function accountForEntraUser(
  database: Database,
  tenantId: string,
  user: EntraUser,
  now: number,
): Promise<{ id: string; email: string }> {
  const byOid = and(eq(accounts.tenantId, tenantId), eq(accounts.entraObjectId, user.oid));
  const [known] = await database.db.select({ id: accounts.id, email: accounts.email }).from(accounts).where(byOid);
  if (known) return known;
  const email = user.username?.toLowerCase();
  if (!email) throw new EntraTokenError('The token names no preferred_username to sign in to Herald with.', tenantId);
  return database.write(async (tx) => {
    // again inside the transaction: a concurrent first request of the same user may have created it meanwhile
    const [created] = await tx.select({ id: accounts.id, email: accounts.email }).from(accounts).where(byOid);
    if (created) return created;
    const [prepared] = await tx
      .select({
        id: accounts.id,
        entraObjectId: accounts.entraObjectId,
        hasTokens: sql<number>`EXISTS (SELECT 1 FROM api_tokens t WHERE t.account_id = accounts.id)`,
      })
      .from(accounts)
      .where(and(eq(accounts.tenantId, tenantId), eq(accounts.email, email)));
    if (prepared?.entraObjectId) throw new EntraTokenError(`The account '${email}' is linked to another Entra ID user.`, tenantId);
    // preferred_username is only as trustworthy as whoever may rename Entra users: it may link an account prepared
    // for the user, never one already in use with API tokens (the tenant's first admin, a script's account)
    if (prepared?.hasTokens)
      throw new EntraTokenError(
        `The account '${email}' already signs in with Herald API tokens, so an Entra ID sign-in cannot take it over; prepare a separate account for this user.`,
        tenantId,
      );
    const id = prepared?.id ?? randomUUID();
    if (prepared)
      await tx
        .update(accounts)
        .set({ entraObjectId: user.oid })
        .where(and(eq(accounts.id, id), isNull(accounts.entraObjectId)));
    else
      await tx.insert(accounts).values({ id, tenantId, email, displayName: user.name ?? email, entraObjectId: user.oid, createdAt: now });
    await auditIn(tx, {
      tenantId,
      actorAccountId: id,
      action: prepared ? 'account.entra.link' : 'account.entra.create',
      target: id,
      outcome: 'success',
      details: { email, oid: user.oid },
      at: now,
    });
    return { id, email };
  });
}
