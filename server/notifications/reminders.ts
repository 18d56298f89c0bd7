import { and, eq, sql } from 'drizzle-orm';
import type { Accepted, Target } from '../../shared/schemas';
import { AppError, notFound } from '../core/errors';
import type { Principal } from '../core/principal';
import { notifications } from '../db/schema';
import type { Deps } from '../deps';
import { skipReasonSql } from '../directory/audience';
import { accept, auditedSend, requireOverSend, requireSendPermission, withLanguages } from './send';

/**
 * The devices a reminder of `originalId` goes to, as `(device_id, user_id, skip_reason)`: those of the original
 * that have not acknowledged it (or, where it asked for no acknowledgement, not opened it) and are still in the
 * directory, each judged as a fresh send would judge it now (skipped when unenrolled, silenced, without a token...).
 */
const unansweredDevices = (tenantId: string, originalId: string, acknowledgement: boolean) => sql`
  SELECT d.id AS device_id, d.enrolled_by_user_id AS user_id, ${skipReasonSql('d')} AS skip_reason
  FROM deliveries o JOIN devices d ON d.tenant_id = o.tenant_id AND d.id = o.device_id
  WHERE o.notification_id = ${originalId} AND o.tenant_id = ${tenantId}
    AND o.status NOT IN ${acknowledgement ? sql`('acknowledged')` : sql`('opened', 'acknowledged')`}
  ORDER BY d.id`;

/**
 * `POST /v1/notifications/{id}/reminders`: the same message again (text, translations, urgency, acknowledgement) as a new
 * notification linked by `reminderOf`, to the original's devices that have not answered it. It needs what the
 * original needed over its target (over every device of a bulk send) and uses quota as it did: a group send's hourly
 * slot, the device's, or that of each device of a bulk send it reaches (429 if any of them is at its limit).
 */
export function sendReminder(deps: Deps, principal: Principal, originalId: string): Promise<Accepted> {
  const { db } = deps.database;
  return auditedSend(deps, principal, 'notification.remind', { via: 'api', reminderOf: originalId }, async (aim) => {
    const [original] = await db
      .select()
      .from(notifications)
      .where(and(eq(notifications.tenantId, principal.tenantId), eq(notifications.id, originalId)));
    if (!original) throw notFound('Notification', originalId);
    const target = aim<Target>(
      original.kind === 'groups'
        ? { type: 'groups', groupIds: original.groupIds ?? [] }
        : original.kind === 'devices'
          ? { type: 'devices', deviceIds: original.deviceIds ?? [] }
          : { type: 'device', deviceId: original.deviceId! },
    );
    requireSendPermission(principal, target.type, original.urgency);
    await requireOverSend(db, principal, target, original.urgency);
    const { title, body, urgency, requireAcknowledgement } = original;
    // erased with the title and body, or never given (a send from before translations)
    const translations = original.translations ?? {};
    if (title === null || body === null)
      throw new AppError(
        409,
        'textErased',
        `Notification '${originalId}': its text was erased by the retention setting, so it cannot be sent again.`,
      );
    return accept(deps, principal, {
      target,
      message: { title, body, translations, urgency, requireAcknowledgement },
      templateId: original.templateId,
      via: 'api',
      reminder: {
        of: originalId,
        // each device's language is chosen again, as a fresh send would: its user's may have changed
        rows: withLanguages(principal.tenantId, unansweredDevices(principal.tenantId, originalId, requireAcknowledgement), translations),
      },
    });
  });
}
