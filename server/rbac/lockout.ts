import { sql } from 'drizzle-orm';
import type { Tx } from '../db/client';
import { conflict } from '../core/errors';

/**
 * Throws 409 unless some account still holds Roles.Update over the whole tenant: without one, nobody
 * could change roles again. Call it inside the transaction after the change, so the refusal rolls it back.
 */
export async function assertRoleAdminRemains(tx: Tx, tenantId: string, change: string): Promise<void> {
  const rows = await tx.all<{ ok: number }>(sql`SELECT 1 AS ok
    FROM role_assignments ra
    JOIN role_assignment_accounts raa ON raa.assignment_id = ra.id
    LEFT JOIN roles r ON r.id = ra.role_id AND r.tenant_id = ra.tenant_id
    WHERE ra.tenant_id = ${tenantId} AND json_extract(ra.scope, '$.type') = 'all'
      AND (ra.role_id = 'administrator' OR EXISTS (SELECT 1 FROM json_each(r.permissions) WHERE value = 'Roles.Update'))
    LIMIT 1`);
  if (!rows.length)
    throw conflict(`${change} would leave no account with Roles.Update over the whole tenant, so nobody could manage roles again.`);
}
