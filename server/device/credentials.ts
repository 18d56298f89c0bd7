import { and, eq } from 'drizzle-orm';
import { auditIn } from '../audit/log';
import type { Database } from '../db/client';
import { devices } from '../db/schema';
import { notFound } from '../core/errors';
import type { Principal } from '../core/principal';
import { requireOverDevice, requirePermission } from '../rbac/scope';
import { hashSecret, newSecret } from '../core/secrets';

/**
 * Issues a device credential: the secret is returned once and only its hash is stored, so issuing a new one
 * revokes the old. Needs ManagedDevices.Update over the device.
 */
export async function issueDeviceCredential(
  database: Database,
  principal: Principal,
  deviceId: string,
  now: number,
): Promise<{ secret: string }> {
  const { tenantId } = principal;
  requirePermission(principal, 'ManagedDevices.Update');
  const [device] = await database.db
    .select({ id: devices.id })
    .from(devices)
    .where(and(eq(devices.tenantId, tenantId), eq(devices.id, deviceId)));
  if (!device) throw notFound('Device', deviceId);
  await requireOverDevice(database.db, principal, 'ManagedDevices.Update', deviceId);
  const secret = newSecret('hrdv_');
  await database.write(async (tx) => {
    await tx
      .update(devices)
      .set({ credentialHash: hashSecret(secret) })
      .where(and(eq(devices.tenantId, tenantId), eq(devices.id, deviceId)));
    await auditIn(tx, {
      tenantId,
      actorAccountId: principal.accountId,
      action: 'device.credential.issue',
      target: `device:${deviceId}`,
      outcome: 'success',
      at: now,
    });
  });
  return { secret };
}
