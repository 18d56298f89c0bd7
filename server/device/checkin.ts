import { and, eq, sql } from 'drizzle-orm';
import type { CheckedIn, Checkin } from '../../shared/device';
import type { Database } from '../db/client';
import { devices } from '../db/schema';
import { pushView } from '../directory/audience';
import { hashSecret } from '../core/secrets';
import type { DeviceIdentity } from '../core/principal';

/**
 * Updates the device's own record from its report. Reporting a token clears an earlier "token invalid" mark
 * only if it is not the token the provider rejected (compared by hash: the dispatcher dropped the token
 * itself), so a device still reporting its dead token stays skipped as noPushToken.
 */
export function checkin(database: Database, device: DeviceIdentity, report: Checkin, now: number): Promise<CheckedIn> {
  const where = and(eq(devices.tenantId, device.tenantId), eq(devices.id, device.deviceId));
  return database.write(async (tx) => {
    const [row] = await tx
      .update(devices)
      .set({
        lastCheckinAt: now,
        ...(report.push !== undefined && { pushService: report.push?.service ?? null, pushToken: report.push?.token ?? null }),
        ...(report.push && {
          pushTokenInvalidAt: sql`CASE WHEN ${devices.pushTokenRejectedSha256} = ${hashSecret(report.push.token)} THEN ${devices.pushTokenInvalidAt} END`,
        }),
        ...(report.app !== undefined && { app: report.app }),
        ...(report.appVersion !== undefined && { appVersion: report.appVersion }),
        ...(report.notificationsPermitted !== undefined && { notificationsPermitted: report.notificationsPermitted }),
      })
      .where(where)
      .returning();
    if (!row) throw new Error(`device ${device.deviceId} vanished`);
    return {
      id: row.id,
      push: pushView(row),
      app: row.app,
      appVersion: row.appVersion,
      notificationsPermitted: row.notificationsPermitted,
      lastCheckinAt: new Date(now).toISOString(),
    };
  });
}
