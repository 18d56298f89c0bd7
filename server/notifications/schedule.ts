import { sendAtProblem, type Scheduled, type Send } from '../../shared/schemas';
import { auditIn } from '../audit/log';
import { invalidRequest } from '../core/errors';
import type { Principal } from '../core/principal';
import { deviceSends, notifications } from '../db/schema';
import type { Deps } from '../deps';
import { readSettingsIn } from '../tenant/settings';
import { notificationId } from './notification-id';
import { chargeQuota, describeTarget, notificationRow, sendDetails, type Outgoing } from './send';

/** 400 unless a send's `sendAt` (well-formed, as sendSchema checked) lies in the future and at most 30 days ahead. */
export function requireSendAtAhead<S extends Pick<Send, 'sendAt'>>(send: S, now: number): S {
  const problem = send.sendAt === undefined ? null : sendAtProblem(send.sendAt, now);
  if (problem) throw invalidRequest(`sendAt ${problem}`, [{ path: 'sendAt', message: problem }]);
  return send;
}

/**
 * Schedules a send judged as a send now is (judgeTarget): in one write transaction, the quota of the
 * rolling hours its sendAt falls in (with the sends made and scheduled), the notification as `scheduled` with no
 * audience, and, for a device send, a slot of each device's quota at sendAt (device_sends rows in the future, deleted
 * if it is canceled). Its audience is snapshotted and its permissions checked again when it fires (./fire.ts).
 */
export async function scheduleSend(deps: Deps, principal: Principal, outgoing: Outgoing, sendAt: string): Promise<Scheduled> {
  const { tenantId } = principal;
  const at = Date.parse(sendAt);
  const id = notificationId(Date.now());
  return deps.database.write(async (tx) => {
    const now = deps.now();
    const settings = await readSettingsIn(tx, tenantId);
    const { charged, target, refusals } = await chargeQuota(tx, tenantId, outgoing, settings, { at, now });
    await tx.insert(notifications).values({
      ...notificationRow(id, principal, { ...outgoing, target }, now),
      status: 'scheduled',
      sendAt: at,
      signIn: principal.signIn,
      audienceUsers: 0,
      audienceDevices: 0,
      skipped: {},
      expiresAt: at + settings.pushTtlHours * 3_600_000,
    });
    if (charged.length)
      await tx.insert(deviceSends).values(charged.map((deviceId) => ({ tenantId, deviceId, createdAt: at, notificationId: id })));
    const sendAtIso = new Date(at).toISOString();
    await auditIn(tx, {
      tenantId,
      actorAccountId: principal.accountId,
      action: 'notification.schedule',
      target: describeTarget(target),
      outcome: 'success',
      details: { ...sendDetails(id, { ...outgoing, target }), sendAt: sendAtIso, ...(refusals && { refused: refusals }) },
      at: now,
    });
    return { id, status: 'scheduled' as const, sendAt: sendAtIso, target, ...(refusals && { refused: refusals }) };
  });
}
