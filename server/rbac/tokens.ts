import { randomUUID } from 'node:crypto';
import { and, asc, eq } from 'drizzle-orm';
import type { ApiToken } from '../../shared/rbac';
import { auditIn } from '../audit/log';
import type { Database, Db, Tx } from '../db/client';
import { apiTokens } from '../db/schema';
import { notFound } from '../core/errors';
import { hashSecret, newSecret } from '../core/secrets';
import { getAccount } from './accounts';

/** Creates an API token; the secret is returned once and only its hash is stored. */
export async function issueToken(tx: Tx, input: { tenantId: string; accountId: string; name: string; now: number }) {
  const token = newSecret('hrld_');
  const id = randomUUID();
  await tx
    .insert(apiTokens)
    .values({ id, tenantId: input.tenantId, accountId: input.accountId, name: input.name, hash: hashSecret(token), createdAt: input.now });
  return { id, token };
}

const columns = {
  id: apiTokens.id,
  accountId: apiTokens.accountId,
  name: apiTokens.name,
  createdAt: apiTokens.createdAt,
  lastUsedAt: apiTokens.lastUsedAt,
  revokedAt: apiTokens.revokedAt,
};
const isoOrNull = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const asToken = (row: {
  id: string;
  accountId: string;
  name: string;
  createdAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
}): ApiToken => ({
  ...row,
  createdAt: new Date(row.createdAt).toISOString(),
  lastUsedAt: isoOrNull(row.lastUsedAt),
  revokedAt: isoOrNull(row.revokedAt),
});

export interface TokenRequest {
  tenantId: string;
  /** Who asks for it; null for the CLI. */
  actorAccountId: string | null;
  accountId: string;
  name: string;
  now: number;
}

/** A new token for an account of the tenant (404 otherwise): the secret in `token`, shown this once. */
export function createToken(database: Database, input: TokenRequest): Promise<ApiToken & { token: string }> {
  return database.write(async (tx) => {
    await getAccount(tx, input.tenantId, input.accountId);
    const { id, token } = await issueToken(tx, input);
    await auditIn(tx, {
      tenantId: input.tenantId,
      actorAccountId: input.actorAccountId,
      action: 'token.create',
      target: id,
      outcome: 'success',
      details: { accountId: input.accountId, name: input.name },
      at: input.now,
    });
    return {
      ...asToken({ id, accountId: input.accountId, name: input.name, createdAt: input.now, lastUsedAt: null, revokedAt: null }),
      token,
    };
  });
}

/** An account's tokens, oldest first, without secrets or hashes. */
export async function listTokens(db: Db, tenantId: string, accountId: string): Promise<ApiToken[]> {
  await getAccount(db, tenantId, accountId);
  const rows = await db
    .select(columns)
    .from(apiTokens)
    .where(and(eq(apiTokens.tenantId, tenantId), eq(apiTokens.accountId, accountId)))
    .orderBy(asc(apiTokens.createdAt), asc(apiTokens.id));
  return rows.map(asToken);
}

/** Revokes a token of the tenant at once; revoking it again changes nothing. */
export function revokeToken(
  database: Database,
  input: { tenantId: string; actorAccountId: string; tokenId: string; now: number },
): Promise<void> {
  const { tenantId, tokenId, now } = input;
  return database.write(async (tx) => {
    const [row] = await tx
      .select(columns)
      .from(apiTokens)
      .where(and(eq(apiTokens.tenantId, tenantId), eq(apiTokens.id, tokenId)));
    if (!row) throw notFound('Token', tokenId);
    if (row.revokedAt !== null) return;
    await tx.update(apiTokens).set({ revokedAt: now }).where(eq(apiTokens.id, tokenId));
    await auditIn(tx, {
      tenantId,
      actorAccountId: input.actorAccountId,
      action: 'token.revoke',
      target: tokenId,
      outcome: 'success',
      details: { accountId: row.accountId, name: row.name },
      at: now,
    });
  });
}
