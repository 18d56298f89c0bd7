import type { Db } from '../db/client';
import { requireVisible } from '../directory/queries';
import type { Reach } from '../core/principal';
import { readSettings } from '../tenant/settings';
import { quotaWindow, readQuota } from './quota';

/** GET /v1/quotas: the tenant's group-send quota and, for one device, its device-send quota. */
export async function quotaReport(db: Db, tenantId: string, reach: Reach, now: number, deviceId?: string) {
  const settings = await readSettings(db, tenantId);
  const groupUse = await readQuota(db, quotaWindow(tenantId, { kind: 'groups' }, now), settings.groupSendsPerHour);
  const report = {
    groupSends: { limit: groupUse.limit, used: groupUse.used, resetsAt: groupUse.resetsAt },
    deviceSends: { limitPerDevice: settings.deviceSendsPerHour },
  };
  if (deviceId === undefined) return report;
  // outside a scoped reader's groups a device is not found, as in the directory
  await requireVisible(db, 'devices', tenantId, reach, deviceId);
  const use = await readQuota(db, quotaWindow(tenantId, { kind: 'device', deviceId }, now), settings.deviceSendsPerHour);
  return { ...report, device: { used: use.used, resetsAt: use.resetsAt } };
}
