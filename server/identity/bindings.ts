import { and, ne, or, sql } from 'drizzle-orm';
import type { Db, Tx } from '../db/client';
import { directoryConnections } from '../db/schema';
import { AppError } from '../core/errors';
import type { EntraBinding } from './entra-token';

/**
 * Connections that have proven this Entra tenant (lower case, as Entra compares them): a sync with working
 * credentials read it as the tenant's id (`entraOrganizationId`) or (`domains`) one of its verified domains. The
 * id or domain a connection was merely given proves nothing: anyone can type another organisation's tenant id.
 */
function naming(entraTenant: string, domains: boolean) {
  const id = entraTenant.toLowerCase();
  const { entraOrganizationId, verifiedDomains } = directoryConnections;
  return or(
    sql`lower(${entraOrganizationId}) = ${id}`,
    domains ? sql`${id} IN (SELECT lower(value) FROM json_each(coalesce(${verifiedDomains}, '[]')))` : undefined,
  );
}

/**
 * The Herald tenant whose connection proved an Entra tenant id (see `naming`), with the app registration its
 * tokens must be issued for; null when none did. Two tenants never share one.
 */
export async function entraBindingFor(db: Db, entraTenantId: string): Promise<EntraBinding | null> {
  const rows = await db
    .select({
      tenantId: directoryConnections.tenantId,
      clientId: directoryConnections.clientId,
      allowedClientIds: directoryConnections.allowedClientIds,
    })
    .from(directoryConnections)
    .where(naming(entraTenantId, false));
  // two rows can only be left from before connections were checked: trust neither
  if (rows.length !== 1) return null;
  const { tenantId, clientId, allowedClientIds } = rows[0]!;
  return { tenantId, entraTenantId: entraTenantId.toLowerCase(), clientId, allowedClientIds: allowedClientIds ?? null };
}

/** 409 `entraTenantTaken` when another Herald tenant has proven this Entra tenant (by id or verified domain). */
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

/** What the extension needs to sign in to the Herald tenant that proved an Entra tenant (id or verified domain). */
export async function entraSignInTarget(db: Db, tenant: string): Promise<{ entraTenantId: string; clientId: string } | null> {
  const rows = await db
    .select({ organizationId: directoryConnections.entraOrganizationId, clientId: directoryConnections.clientId })
    .from(directoryConnections)
    .where(naming(tenant, true));
  if (rows.length !== 1 || !rows[0]!.organizationId) return null;
  return { entraTenantId: rows[0]!.organizationId.toLowerCase(), clientId: rows[0]!.clientId };
}
