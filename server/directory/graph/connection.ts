import { eq } from 'drizzle-orm';
import type { DirectoryConnection } from '../../../shared/directory-sync';
import type { z } from 'zod';
import type { directoryConnectionSchema } from '../../../shared/directory-sync';
import { auditIn } from '../../audit/log';
import type { Database, Db, Tx } from '../../db/client';
import { directoryConnections } from '../../db/schema';
import { notFound } from '../../core/errors';
import { assertEntraTenantFree } from '../../identity/bindings';
import { readCertificatePem } from './credential';
import { decryptSecret, encryptSecret } from './crypto';
import type { ConnectionCredential } from './token';

type ConnectionRow = typeof directoryConnections.$inferSelect;

export function connectionView(row: ConnectionRow): DirectoryConnection {
  return {
    entraTenantId: row.entraTenantId,
    clientId: row.clientId,
    allowedClientIds: row.allowedClientIds ?? null,
    credential: {
      type: row.credentialKind,
      setAt: new Date(row.credentialSetAt).toISOString(),
      thumbprintSha256: row.certificateThumbprint,
    },
    updatedAt: new Date(row.updatedAt).toISOString(),
  };
}

export async function readConnection(db: Db | Tx, tenantId: string): Promise<ConnectionRow | null> {
  const [row] = await db.select().from(directoryConnections).where(eq(directoryConnections.tenantId, tenantId));
  return row ?? null;
}

/** The decrypted credential of a connection row, for MSAL only. `version` changes with every PUT. */
export function credentialOf(row: ConnectionRow, key: Buffer): ConnectionCredential {
  return {
    tenantId: row.tenantId,
    entraTenantId: row.entraTenantId,
    clientId: row.clientId,
    kind: row.credentialKind,
    secret: decryptSecret(key, row.tenantId, row.credentialCipher),
    version: row.updatedAt,
  };
}

export interface ConnectionChange {
  tenantId: string;
  actorAccountId: string | null;
  now: number;
}

/**
 * Stores the connection, its secret or certificate encrypted. Whether Entra ID accepts it is found at the
 * first sync, which also proves the Entra tenant for sign-in (see identity/bindings.ts). Another Entra tenant or app
 * forgets the delta links, so the next sync is a full round, and what the last sync proved, until a sync proves it.
 */
export async function putConnection(
  database: Database,
  key: Buffer,
  change: ConnectionChange,
  input: z.output<typeof directoryConnectionSchema>,
): Promise<DirectoryConnection> {
  const { tenantId, actorAccountId, now } = change;
  const certificate = input.clientCertificate ? readCertificatePem(input.clientCertificate.pem) : null;
  const secret = input.clientCertificate?.pem ?? input.clientSecret!;
  const values = {
    entraTenantId: input.entraTenantId,
    clientId: input.clientId,
    allowedClientIds: input.allowedClientIds ?? null,
    credentialKind: certificate ? ('certificate' as const) : ('secret' as const),
    credentialCipher: encryptSecret(key, tenantId, secret),
    certificateThumbprint: certificate?.thumbprintSha256 ?? null,
    credentialSetAt: now,
    updatedAt: now,
  };
  return database.write(async (tx) => {
    await assertEntraTenantFree(tx, tenantId, values.entraTenantId);
    const before = await readConnection(tx, tenantId);
    // a version (updatedAt) that always moves forward, so a cached token of the old credential is never reused
    if (before && values.updatedAt <= before.updatedAt) values.updatedAt = before.updatedAt + 1;
    // Entra compares tenant ids and domains ignoring case: a change of case is the same directory, still proven
    const sameDirectory = before?.entraTenantId.toLowerCase() === values.entraTenantId.toLowerCase() && before.clientId === values.clientId;
    const forget = sameDirectory ? {} : { usersDeltaLink: null, groupsDeltaLink: null, entraOrganizationId: null, verifiedDomains: null };
    // left out: the same directory keeps its list (only `null` lifts it); another tenant or app starts without one
    if (input.allowedClientIds === undefined && sameDirectory) values.allowedClientIds = before.allowedClientIds ?? null;
    await tx
      .insert(directoryConnections)
      .values({ tenantId, ...values })
      .onConflictDoUpdate({ target: directoryConnections.tenantId, set: { ...values, ...forget } });
    await auditIn(tx, {
      tenantId,
      actorAccountId,
      action: 'directory.connection.update',
      target: values.entraTenantId,
      outcome: 'success',
      details: {
        entraTenantId: values.entraTenantId,
        clientId: values.clientId,
        allowedClientIds: values.allowedClientIds,
        credential: values.credentialKind,
        ...(certificate ? { thumbprintSha256: certificate.thumbprintSha256 } : {}),
      },
      at: now,
    });
    return connectionView((await readConnection(tx, tenantId))!);
  });
}

/** Removes the connection (and so automatic syncs); the directory it brought stays. */
export async function deleteConnection(database: Database, change: ConnectionChange): Promise<void> {
  const { tenantId, actorAccountId, now } = change;
  await database.write(async (tx) => {
    const deleted = await tx
      .delete(directoryConnections)
      .where(eq(directoryConnections.tenantId, tenantId))
      .returning({ entraTenantId: directoryConnections.entraTenantId });
    if (!deleted.length) throw notFound('Directory connection of tenant', tenantId);
    await auditIn(tx, {
      tenantId,
      actorAccountId,
      action: 'directory.connection.delete',
      target: deleted[0]!.entraTenantId,
      outcome: 'success',
      at: now,
    });
  });
}
