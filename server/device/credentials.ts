import { and, eq } from 'drizzle-orm';
import { auditIn } from '../audit/log';
import type { Database } from '../db/client';
import { devices } from '../db/schema';
import { AppError, forbidden, notFound } from '../core/errors';
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
  await deviceOf(database, tenantId, deviceId);
  await requireOverDevice(database.db, principal, 'ManagedDevices.Update', deviceId);
  return replaceCredential(database, principal, deviceId, 'device.credential.issue', now);
}

/** The tenant's device, or 404. */
async function deviceOf(database: Database, tenantId: string, deviceId: string) {
  const [device] = await database.db
    .select({ managementState: devices.managementState, userId: devices.enrolledByUserId })
    .from(devices)
    .where(and(eq(devices.tenantId, tenantId), eq(devices.id, deviceId)));
  if (!device) throw notFound('Device', deviceId);
  return device;
}

/** A new secret for the device (only its hash is kept, so the old one stops working), audited as `action`. */
async function replaceCredential(
  database: Database,
  principal: Principal,
  deviceId: string,
  action: string,
  now: number,
): Promise<{ secret: string }> {
  const { tenantId } = principal;
  const secret = newSecret('hrdv_');
  await database.write(async (tx) => {
    await tx
      .update(devices)
      .set({ credentialHash: hashSecret(secret) })
      .where(and(eq(devices.tenantId, tenantId), eq(devices.id, deviceId)));
    await auditIn(tx, {
      tenantId,
      actorAccountId: principal.accountId,
      action,
      target: `device:${deviceId}`,
      outcome: 'success',
      at: now,
    });
  });
  return { secret };
}

/**
 * A device app enrols itself with its user's Entra ID sign-in: no Herald permission is needed, only that the
 * device is in the tenant (404), enrolled (400 `notEnrolled`) and its Intune user is the signed-in user (403).
 * Enrolling again replaces the secret, as an admin's issue does.
 */
export async function enrollDevice(
  database: Database,
  principal: Principal,
  deviceId: string,
  now: number,
): Promise<{ deviceId: string; secret: string }> {
  const { tenantId, signIn } = principal;
  if (signIn.source !== 'entra') throw forbidden("A device enrols with its user's Microsoft Entra ID sign-in, not a Herald API token.");
  const device = await deviceOf(database, tenantId, deviceId);
  if (device.managementState !== 'enrolled')
    throw new AppError(400, 'notEnrolled', `Device '${deviceId}' is not enrolled in Intune; enrol it there first.`);
  if (device.userId?.toLowerCase() !== signIn.oid) throw forbidden(`Device '${deviceId}' is not yours: only its Intune user can enrol it.`);
  const { secret } = await replaceCredential(database, principal, deviceId, 'device.enroll', now);
  return { deviceId, secret };
}
