import { eq } from 'drizzle-orm';
import type { Tx } from '../../db/client';
import { directoryConnections } from '../../db/schema';
import { assertEntraTenantFree } from '../../identity/bindings';
import type { graphClient } from './client';

/** The Entra tenant's own id and verified domains, for sign-in by domain (`GET /v1/auth/entra?tenant=contoso.com`). */
export const ORGANIZATION = '/v1.0/organization?$select=id,verifiedDomains';

export interface Organization {
  id: string;
  verifiedDomains: string[];
}

/** The organization the connection reads (Graph answers a list of one), or null if it answered none. */
export async function readOrganization(client: ReturnType<typeof graphClient>): Promise<Organization | null> {
  let found: Organization | null = null;
  await client.readAll(ORGANIZATION, (page) => {
    for (const o of page) {
      if (typeof o.id !== 'string' || found) continue;
      const domains = Array.isArray(o.verifiedDomains) ? o.verifiedDomains : [];
      found = {
        id: o.id.toLowerCase(),
        verifiedDomains: domains.flatMap((d: { name?: unknown }) => (typeof d?.name === 'string' ? [d.name.toLowerCase()] : [])),
      };
    }
  });
  return found;
}

/** Stores what the sync read, after checking no other Herald tenant is connected to that Entra tenant (409). */
export async function recordOrganization(tx: Tx, tenantId: string, organization: Organization | null): Promise<void> {
  if (!organization) return;
  await assertEntraTenantFree(tx, tenantId, organization.id);
  await tx
    .update(directoryConnections)
    .set({ entraOrganizationId: organization.id, verifiedDomains: organization.verifiedDomains })
    .where(eq(directoryConnections.tenantId, tenantId));
}
