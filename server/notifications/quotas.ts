import type { Db } from '../db/client';
import { requireVisible } from '../directory/queries';
import type { Reach } from '../core/principal';
import { readSettings } from '../tenant/settings';
import { quotaState } from './quota';

/** GET /v1/quotas: the tenant's group-send quota and, for one device, its device-send quota. */
export async function quotaReport(db: Db, tenantId: string, reach: Reach, now: number, deviceId?: string) {
  const settings = await readSettings(db, tenantId);
  const limit = settings.groupSendsPerHour;
  const report = {
    groupSends: { limit, ...(await quotaState(db, tenantId, { kind: 'groups' }, limit, now)) },
    deviceSends: { limitPerDevice: settings.deviceSendsPerHour },
  };
  if (deviceId === undefined) return report;
  // outside a scoped reader's groups a device is not found, as in the directory
  await requireVisible(db, 'devices', tenantId, reach, deviceId);
  return { ...report, device: await quotaState(db, tenantId, { kind: 'device', deviceId }, settings.deviceSendsPerHour, now) };
}
