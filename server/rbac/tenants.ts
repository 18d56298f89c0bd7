import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Database, Db } from '../db/client';
import { accounts, roleAssignmentAccounts, roleAssignments, tenants } from '../db/schema';
import { auditIn } from '../audit/log';
import { issueToken } from './tokens';

export interface NewTenant {
  tenantId: string;
  accountId: string;
  token: string;
}

/** Creates a tenant and its first admin (Administrator, scope all) with a new API token, in one transaction. */
export function createTenant(database: Database, input: { name: string; adminEmail: string; now: number }): Promise<NewTenant> {
  return database.write(async (tx) => {
    const tenantId = randomUUID();
    const accountId = randomUUID();
    const assignmentId = randomUUID();
    await tx.insert(tenants).values({ id: tenantId, name: input.name, createdAt: input.now });
    await tx
      .insert(accounts)
      .values({ id: accountId, tenantId, email: input.adminEmail, displayName: input.adminEmail, createdAt: input.now });
    await tx
      .insert(roleAssignments)
      .values({ id: assignmentId, tenantId, roleId: 'administrator', scope: { type: 'all' }, createdAt: input.now });
    await tx.insert(roleAssignmentAccounts).values({ assignmentId, accountId });
    const { id: tokenId, token } = await issueToken(tx, { tenantId, accountId, name: 'initial admin token', now: input.now });
    await auditIn(tx, {
      tenantId,
      actorAccountId: null,
      action: 'tenant.create',
      target: tenantId,
      outcome: 'success',
      details: { adminEmail: input.adminEmail, tokenId },
      at: input.now,
    });
    return { tenantId, accountId, token };
  });
}

/** The tenant with this id, or null. */
export async function findTenant(db: Db, id: string): Promise<{ id: string; name: string } | null> {
  const [row] = await db.select({ id: tenants.id, name: tenants.name }).from(tenants).where(eq(tenants.id, id));
  return row ?? null;
}

/** The oldest tenant with this name, or null (names are not unique; `npm start` creates one "Default"). */
export async function findTenantByName(db: Db, name: string): Promise<{ id: string; name: string } | null> {
  const [row] = await db
    .select({ id: tenants.id, name: tenants.name })
    .from(tenants)
    .where(eq(tenants.name, name))
    .orderBy(tenants.createdAt)
    .limit(1);
  return row ?? null;
}
