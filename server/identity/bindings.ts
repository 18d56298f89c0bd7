import { and, ne, or, sql } from 'drizzle-orm';
import type { Db, Tx } from '../db/client';
import { directoryConnections } from '../db/schema';
import { AppError } from '../core/errors';
import type { EntraBinding } from './entra-token';

/**
 * Connections naming this Entra tenant (lower case, as Entra compares them): by the id or domain the connection
 * was given, the tenant id its last sync read, or (`domains`) one of the verified domains that sync read.
 */
function naming(entraTenant: string, domains: boolean) {
  const id = entraTenant.toLowerCase();
  const { entraTenantId, entraOrganizationId, verifiedDomains } = directoryConnections;
  return or(
    sql`lower(${entraTenantId}) = ${id}`,
    sql`lower(${entraOrganizationId}) = ${id}`,
    domains ? sql`${id} IN (SELECT lower(value) FROM json_each(coalesce(${verifiedDomains}, '[]')))` : undefined,
  );
}

/**
 * The Herald tenant connected to an Entra tenant (by the id of the connection or the one its last sync read),
 * with the app registration its tokens must be issued for; null when none is. Two tenants never share one.
 */
export async function entraBindingFor(db: Db, entraTenantId: string): Promise<EntraBinding | null> {
  const rows = await db
    .select({ tenantId: directoryConnections.tenantId, clientId: directoryConnections.clientId })
    .from(directoryConnections)
    .where(naming(entraTenantId, false));
  // two rows can only be left from before connections were checked: trust neither
  if (rows.length !== 1) return null;
  return { tenantId: rows[0]!.tenantId, entraTenantId: entraTenantId.toLowerCase(), clientId: rows[0]!.clientId };
}

/** 409 `entraTenantTaken` when another Herald tenant is already connected to this Entra tenant (by id or domain). */
export async function assertEntraTenantFree(tx: Tx, tenantId: string, entraTenantId: string): Promise<void> {
  const [taken] = await tx
    .select({ tenantId: directoryConnections.tenantId })
    .from(directoryConnections)
    .where(and(ne(directoryConnections.tenantId, tenantId), naming(entraTenantId, true)));
  if (taken)
    throw new AppError(
      409,
      'entraTenantTaken',
      `Entra tenant '${entraTenantId}' is already connected to another Herald tenant; an Entra tenant signs in to one Herald tenant only.`,
    );
}

/** What the extension needs to sign in to the Herald tenant connected to an Entra tenant (id or verified domain). */
export async function entraSignInTarget(db: Db, tenant: string): Promise<{ entraTenantId: string; clientId: string } | null> {
  const rows = await db
    .select({
      entraTenantId: directoryConnections.entraTenantId,
      organizationId: directoryConnections.entraOrganizationId,
      clientId: directoryConnections.clientId,
    })
    .from(directoryConnections)
    .where(naming(tenant, true));
  if (rows.length !== 1) return null;
  const row = rows[0]!;
  return { entraTenantId: (row.organizationId ?? row.entraTenantId).toLowerCase(), clientId: row.clientId };
}
