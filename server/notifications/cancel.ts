import { and, eq, inArray } from 'drizzle-orm';
import type { NotificationView, Target } from '../../shared/schemas';
import { auditIn } from '../audit/log';
import { AppError, forbidden, notFound } from '../core/errors';
import type { Principal } from '../core/principal';
import type { Tx } from '../db/client';
import { deviceSends, notifications } from '../db/schema';
import type { Deps } from '../deps';
import { getNotification, rowTarget } from './history';
import { auditedSend, describeTarget, requireOverSend } from './send';

/** Frees the device quota slots a scheduled send holds at its sendAt (when it is canceled, fails or expires). */
export async function releaseDeviceSlots(tx: Tx, tenantId: string, id: string, target: Target): Promise<void> {
  if (target.type === 'groups') return;
  const deviceIds = target.type === 'device' ? [target.deviceId] : target.deviceIds;
  await tx
    .delete(deviceSends)
    .where(and(eq(deviceSends.tenantId, tenantId), inArray(deviceSends.deviceId, deviceIds), eq(deviceSends.notificationId, id)));
}

type Notification = typeof notifications.$inferSelect;

/** The conditional UPDATE that takes a send out of `scheduled`: false when another process (or a cancel) did first. */
export async function claim(tx: Tx, row: Pick<Notification, 'id' | 'tenantId'>, set: Partial<Notification>): Promise<boolean> {
  const taken = await tx
    .update(notifications)
    .set(set)
    .where(and(eq(notifications.id, row.id), eq(notifications.tenantId, row.tenantId), eq(notifications.status, 'scheduled')))
    .returning({ id: notifications.id });
  return taken.length === 1;
}

/**
 * `POST /v1/notifications/{id}/cancel`: a scheduled send no longer fires, and its quota slots are free again. Its
 * sender may cancel it, and so may anyone with the permission it needed over its target; once it fired (or was
 * canceled, failed or expired) it is 409 notScheduled. Checked again in the write, so a send firing meanwhile is
 * never both sent and canceled.
 */
export function cancelScheduled(deps: Deps, principal: Principal, id: string): Promise<NotificationView> {
  const { tenantId } = principal;
  const { db } = deps.database;
  return auditedSend(deps, principal, 'notification.cancel', { notificationId: id }, async (aim) => {
    const [row] = await db
      .select()
      .from(notifications)
      .where(and(eq(notifications.tenantId, tenantId), eq(notifications.id, id)));
    if (!row) throw notFound('Notification', id);
    const target = aim(rowTarget(row));
    if (row.senderAccountId !== principal.accountId)
      await requireOverSend(db, principal, target, row.urgency).catch((error: unknown) => {
        // someone else's send: its target and the caller's scope are not told to one who may not act on it
        if (!(error instanceof AppError) || error.status !== 403) throw error;
        throw forbidden(
          `Notification '${id}' may be canceled only by its sender or by someone with the permission it needed over all of its target.`,
        );
      });
    await deps.database.write(async (tx) => {
      const now = deps.now();
      if (!(await claim(tx, row, { status: 'canceled' }))) {
        const [current] = await tx
          .select({ status: notifications.status })
          .from(notifications)
          .where(and(eq(notifications.tenantId, tenantId), eq(notifications.id, id)));
        throw new AppError(
          409,
          'notScheduled',
          `Notification '${id}' is ${current?.status ?? 'gone'}, not scheduled: only a scheduled send can be canceled.`,
        );
      }
      await releaseDeviceSlots(tx, tenantId, id, target);
      await auditIn(tx, {
        tenantId,
        actorAccountId: principal.accountId,
        action: 'notification.cancel',
        target: describeTarget(target),
        outcome: 'success',
        details: { notificationId: id, sendAt: new Date(row.sendAt!).toISOString(), senderAccountId: row.senderAccountId },
        at: now,
      });
    });
    return getNotification(db, tenantId, id);
  });
}
