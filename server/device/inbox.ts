import { and, desc, eq, inArray, lt, notInArray, or, sql } from 'drizzle-orm';
import type { Receipt } from '../../shared/device';
import type { DeliveryStatus } from '../../shared/schemas';
import type { Database, Db } from '../db/client';
import { deliveryRowId } from '../dispatch/delivery-id';
import { variantTextSql } from '../notifications/languages';
import type { DispatchMetrics } from '../dispatch/metrics';
import { deliveries, notifications } from '../db/schema';
import { notFound } from '../core/errors';
import { decodeCursor, pageOf } from '../core/pagination';
import type { DeviceIdentity } from '../core/principal';

/**
 * A device's inbox is every message addressed to it while it was enrolled, pushed or not yet (the app may read
 * a content-free push's message before the dispatcher has recorded it sent): all its deliveries except those
 * skipped because it was not enrolled or cannot show custom notifications at all.
 */
const inInbox = (device: DeviceIdentity) =>
  and(
    eq(deliveries.tenantId, device.tenantId),
    eq(deliveries.deviceId, device.deviceId),
    or(sql`${deliveries.status} <> 'skipped'`, notInArray(deliveries.reason, ['notEnrolled', 'unsupportedPlatform'])),
  );

/**
 * Newest first (by delivery), keyset-paginated, each in its device's language; text is null once retention has erased it. The cursor is the last
 * notification id of the page: the delivery row id behind the order is a sequence shared by every tenant.
 */
export async function listInbox(db: Db, device: DeviceIdentity, page: { limit: number; cursor?: string }) {
  const after = page.cursor ? decodeCursor(page.cursor, ['string'] as const)[0] : null;
  const rows = await db
    .select({
      id: notifications.id,
      // the variant chosen for the device's user at the snapshot
      title: sql<string | null>`${variantTextSql('title', 'notifications', 'deliveries')}`,
      body: sql<string | null>`${variantTextSql('body', 'notifications', 'deliveries')}`,
      language: deliveries.language,
      sentAt: notifications.createdAt,
      state: deliveries.status,
      urgency: notifications.urgency,
      requireAcknowledgement: notifications.requireAcknowledgement,
    })
    .from(deliveries)
    .innerJoin(notifications, and(eq(notifications.id, deliveries.notificationId), eq(notifications.tenantId, deliveries.tenantId)))
    .where(and(inInbox(device), after === null ? undefined : lt(deliveries.id, deliveryRowId(device.tenantId, after, device.deviceId))))
    .orderBy(desc(deliveries.id))
    .limit(page.limit + 1);
  const { rows: pageRows, nextCursor } = pageOf(rows, page.limit, (last) => [last.id]);
  return { items: pageRows.map(({ sentAt, ...item }) => ({ ...item, sentAt: new Date(sentAt).toISOString() })), nextCursor };
}

/** The states a receipt may move a delivery out of: receipts only move forward, and a repeat changes nothing. */
const before: Record<Receipt['state'], DeliveryStatus[]> = {
  delivered: ['queued', 'sent', 'failed', 'expired', 'skipped'],
  opened: ['queued', 'sent', 'delivered', 'failed', 'expired', 'skipped'],
  acknowledged: ['queued', 'sent', 'delivered', 'opened', 'failed', 'expired', 'skipped'],
};

/** Applies a device's receipt for one message of its inbox (counted in `metrics` when it moved); answers the delivery's state afterwards. */
export async function recordReceipt(
  database: Database,
  device: DeviceIdentity,
  notificationId: string,
  receipt: Receipt,
  now: number,
  metrics?: DispatchMetrics,
) {
  const mine = and(inInbox(device), eq(deliveries.notificationId, notificationId));
  const answer = await database.write(async (tx) => {
    const [moved] = await tx
      .update(deliveries)
      .set({ status: receipt.state, reason: null, nextAttemptAt: null, leaseUntil: null, updatedAt: now })
      .where(and(mine, inArray(deliveries.status, before[receipt.state])))
      .returning({ state: deliveries.status, provider: deliveries.provider });
    const [current] = moved ? [moved] : await tx.select({ state: deliveries.status }).from(deliveries).where(mine);
    if (!current) throw notFound('Notification', notificationId);
    return { id: notificationId, state: current.state, moved };
  });
  if (answer.moved) metrics?.reached(receipt.state, answer.moved.provider);
  return { id: answer.id, state: answer.state };
}
