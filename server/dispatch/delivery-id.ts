import { sql, type SQL } from 'drizzle-orm';
import { sha256Hex } from '../core/secrets';

/**
 * The delivery's UUID: the notification's UUID with its last 12 hex digits replaced by a hash of the notification
 * and the device (a delivery is the one message of a notification to a device). Deterministic, so every retry
 * of a delivery carries the same `apns-id` / `deliveryId` and a device shows a retried push once; and made of
 * nothing but ids the device already knows, never the delivery's row id, whose global sequence would count
 * every tenant's sends.
 */
export function deliveryUuid(notificationId: string, deviceId: string): string {
  return notificationId.slice(0, 24) + sha256Hex(`${notificationId}\n${deviceId}`).slice(0, 12);
}

/**
 * The row id of a tenant's delivery of `notificationId` to `deviceId`, as a scalar subquery (NULL when there is
 * none). Lists keep paging in row-id order, while their cursors carry only the public pair: the row id is one
 * sequence across all tenants and never leaves the server. Found through deliveries_device (tenant, device).
 */
export function deliveryRowId(tenantId: string, notificationId: string, deviceId: string): SQL<number | null> {
  return sql`(SELECT k.id FROM deliveries k WHERE k.tenant_id = ${tenantId} AND k.device_id = ${deviceId} AND k.notification_id = ${notificationId})`;
}
