import { randomUUID } from 'node:crypto';
import { and, asc, eq } from 'drizzle-orm';
import type { Account, AccountCreate } from '../../shared/rbac';
import { auditIn } from '../audit/log';
import type { Database, Db, Tx } from '../db/client';
import { accounts } from '../db/schema';
import { conflict, notFound } from '../core/errors';
import type { Principal } from '../core/principal';

const columns = { id: accounts.id, email: accounts.email, displayName: accounts.displayName, createdAt: accounts.createdAt };
const asAccount = (row: { id: string; email: string; displayName: string; createdAt: number }): Account => ({
  ...row,
  createdAt: new Date(row.createdAt).toISOString(),
});

export async function listAccounts(db: Db, tenantId: string): Promise<Account[]> {
  const rows = await db.select(columns).from(accounts).where(eq(accounts.tenantId, tenantId)).orderBy(asc(accounts.email));
  return rows.map(asAccount);
}

export async function getAccount(db: Db | Tx, tenantId: string, id: string): Promise<Account> {
  const [row] = await db
    .select(columns)
    .from(accounts)
    .where(and(eq(accounts.tenantId, tenantId), eq(accounts.id, id)));
  if (!row) throw notFound('Account', id);
  return asAccount(row);
}

/** The tenant's account with this email (emails are stored in lower case), or null. */
export async function findAccountByEmail(db: Db, tenantId: string, email: string): Promise<Account | null> {
  const [row] = await db
    .select(columns)
    .from(accounts)
    .where(and(eq(accounts.tenantId, tenantId), eq(accounts.email, email.toLowerCase())));
  return row ? asAccount(row) : null;
}

/** A new admin account of the caller's tenant, with no role until one is assigned; 409 for an email already there. */
export function createAccount(database: Database, principal: Principal, input: AccountCreate, now: number): Promise<Account> {
  const { tenantId } = principal;
  return database.write(async (tx) => {
    const [taken] = await tx
      .select({ id: accounts.id })
      .from(accounts)
      .where(and(eq(accounts.tenantId, tenantId), eq(accounts.email, input.email)));
    if (taken) throw conflict(`An account with the email '${input.email}' already exists.`);
    const id = randomUUID();
    await tx.insert(accounts).values({ id, tenantId, email: input.email, displayName: input.displayName, createdAt: now });
    await auditIn(tx, {
      tenantId,
      actorAccountId: principal.accountId,
      action: 'account.create',
      target: id,
      outcome: 'success',
      details: input,
      at: now,
    });
    return asAccount({ id, ...input, createdAt: now });
  });
}
