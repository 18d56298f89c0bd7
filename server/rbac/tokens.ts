import { randomUUID } from 'node:crypto';
import type { Tx } from '../db/client';
import { apiTokens } from '../db/schema';
import { hashSecret, newSecret } from '../secrets';

/** Creates an API token; the secret is returned once and only its hash is stored. */
export async function issueToken(tx: Tx, input: { tenantId: string; accountId: string; name: string; now: number }) {
  const token = newSecret('hrld_');
  const id = randomUUID();
  await tx.insert(apiTokens).values({ id, tenantId: input.tenantId, accountId: input.accountId, name: input.name, hash: hashSecret(token), createdAt: input.now });
  return { id, token };
}
