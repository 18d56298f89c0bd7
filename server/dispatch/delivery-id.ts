/**
 * The delivery's UUID: the notification's UUID with its last 12 hex digits replaced by the delivery's row id.
 * Deterministic, so every retry of a delivery carries the same `apns-id` / `deliveryId` and a device shows a
 * retried push once; unique, because row ids are.
 */
export function deliveryUuid(notificationId: string, rowId: number): string {
  return notificationId.slice(0, 24) + rowId.toString(16).padStart(12, '0');
}
