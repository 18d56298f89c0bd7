import { and, eq, sql, type SQL } from 'drizzle-orm';
import type { Accepted } from '../../shared/schemas';
import type { Permission } from '../../shared/permissions';
import type { Urgency } from '../../shared/urgency';
import { AppError, notFound } from '../core/errors';
import { reachOf, type Principal } from '../core/principal';
import type { Tx } from '../db/client';
import { notifications } from '../db/schema';
import type { Deps } from '../deps';
import { skipReasonSql } from '../directory/audience';
import { deviceInScopeSql } from '../directory/closure';
import { accept, auditedSend, requireOverSend, requireSendPermission, SEND_PERMISSION, URGENT_PERMISSION, withLanguages } from './send';
import { type DeliveryRange, deliveriesOf } from './deliveries-of';
import { rowTarget } from './history';

/** The send a reminder repeats, as reading its deliveries needs it: its id and their row-id range. */
type Root = DeliveryRange & { id: string };

/** Whether device `d` lies in every one of `scopes` (none: the sender reaches the whole tenant). */
const inEveryScope = (tenantId: string, scopes: string[][]): SQL =>
  scopes.length
    ? sql.join(
        scopes.map((scope) => deviceInScopeSql(tenantId, scope, sql`d.id`, sql`d.enrolled_by_user_id`)),
        sql` AND `,
      )
    : sql`1`;

/**
 * The devices a reminder of `root` goes to, as `(device_id, user_id, skip_reason)`: those of the root send that
 * have answered neither it nor any reminder of it (acknowledged, or, where it asked for no acknowledgement, opened),
 * are still in the directory and lie in every one of `scopes` (the sender's, where it is not the whole tenant),
 * each judged as a fresh send would judge it now (skipped when unenrolled, silenced, without a token...).
 *
 * The root's deliveries are read by their row-id range (deliveriesOf), the devices joined to them (CROSS JOIN, and
 * `+o.tenant_id` so that SQLite does not walk every delivery or device of the tenant by deliveries_device instead).
 */
const unansweredDevices = (tenantId: string, root: Root, acknowledgement: boolean, scopes: string[][]) => sql`
  SELECT d.id AS device_id, d.enrolled_by_user_id AS user_id, ${skipReasonSql('d')} AS skip_reason
  FROM deliveries o CROSS JOIN devices d ON d.tenant_id = o.tenant_id AND d.id = o.device_id
  WHERE ${deliveriesOf(root.id, 'o', root)} AND +o.tenant_id = ${tenantId}
    AND NOT EXISTS (SELECT 1 FROM deliveries a JOIN notifications n ON n.tenant_id = a.tenant_id AND n.id = a.notification_id
      WHERE a.tenant_id = ${tenantId} AND a.device_id = o.device_id AND (n.id = ${root.id} OR n.reminder_of = ${root.id})
        AND a.status IN ${acknowledgement ? sql`('acknowledged')` : sql`('opened', 'acknowledged')`})
    AND ${inEveryScope(tenantId, scopes)}
  ORDER BY d.id`;

/** 409: the text is gone, so there is nothing to send again. */
const textErased = (id: string) =>
  new AppError(409, 'textErased', `Notification '${id}': its text was erased by the retention setting, so it cannot be sent again.`);

/** The send a notification repeats: itself, or the root of its reminders (a reminder links to the send it repeats). */
async function rootOf(deps: Deps, tenantId: string, id: string) {
  const read = (notificationId: string) =>
    deps.database.db
      .select()
      .from(notifications)
      .where(and(eq(notifications.tenantId, tenantId), eq(notifications.id, notificationId)))
      .then((rows) => rows[0]);
  let row = await read(id);
  if (!row) throw notFound('Notification', id);
  // reminders written before reminders linked to the root may link to another reminder: follow them (never a cycle)
  for (const seen = new Set([row.id]); row.reminderOf && !seen.has(row.reminderOf); seen.add(row.id)) {
    const parent = await read(row.reminderOf);
    if (!parent) break;
    row = parent;
  }
  return row;
}

/**
 * `POST /v1/notifications/{id}/reminders`: the same message again (text, translations, urgency, acknowledgement) as a new
 * notification linked by `reminderOf` to the original send (the root, when `id` is itself a reminder), to the original's
 * devices that have answered neither it nor any reminder of it. It needs what the original needed over its target
 * (a scoped sender reaches only the devices still in scope; for a device or bulk send, 403 only when none of its devices
 * still there is) and uses quota as it did: a group send's hourly slot, the device's, or that of each device of a bulk
 * send it reaches (429 if any of them is at its limit). 409 nothingToRemind when none of its devices is still there.
 */
export function sendReminder(deps: Deps, principal: Principal, originalId: string): Promise<Accepted> {
  const { db } = deps.database;
  return auditedSend(deps, principal, 'notification.remind', { via: 'api', reminderOf: originalId }, async (aim) => {
    const original = await rootOf(deps, principal.tenantId, originalId);
    // a scheduled send has reached nobody yet (nor has a canceled, failed or expired one)
    if (original.status !== 'queued')
      throw new AppError(409, 'notSent', `Notification '${original.id}' is ${original.status}: only a send that went out can be repeated.`);
    const target = aim(rowTarget(original));
    requireSendPermission(principal, target.type, original.urgency);
    // where a permission reaches scope groups only, the devices left in (or come into) them since the send are left out
    const permissions: Permission[] =
      original.urgency === 'high' ? [SEND_PERMISSION[target.type], URGENT_PERMISSION] : [SEND_PERMISSION[target.type]];
    const scopes = permissions.map((p) => reachOf(principal, p)).filter((reach): reach is string[] => Array.isArray(reach));
    if (target.type === 'groups') {
      await requireOverSend(db, principal, target, original.urgency);
      await someDeviceLeft(deps, principal.tenantId, original, []);
    } else await requireOverSomeDevice(deps, principal, original, scopes);
    const { title, body, urgency, requireAcknowledgement } = original;
    // erased with the title and body, or never given (a send from before translations)
    const translations = original.translations ?? {};
    if (title === null || body === null) throw textErased(original.id);
    return accept(deps, principal, {
      target,
      message: { title, body, translations, urgency, requireAcknowledgement },
      templateId: original.templateId,
      via: 'api',
      reminder: {
        of: original.id,
        // each device's language is chosen again, as a fresh send would: its user's may have changed
        rows: withLanguages(
          principal.tenantId,
          unansweredDevices(principal.tenantId, original, requireAcknowledgement, scopes),
          translations,
        ),
        // retention may have erased the text since it was read above
        check: (tx) => requireText(tx, principal.tenantId, original.id),
      },
    });
  });
}

/** 409 textErased unless the notification still has its text, read in the reminder's write transaction. */
async function requireText(tx: Tx, tenantId: string, id: string): Promise<void> {
  const [row] = await tx.all<{ erased: number }>(
    sql`SELECT title IS NULL OR body IS NULL AS erased FROM notifications WHERE tenant_id = ${tenantId} AND id = ${id}`,
  );
  if (!row || row.erased) throw textErased(id);
}

/** 409: every device the original reached has left the directory since, so there is no one to remind. */
const noDeviceLeft = (id: string) =>
  new AppError(409, 'nothingToRemind', `Notification '${id}': no device it reached is still in the directory.`);

/** A device of `root` still in the directory, with whether it lies in every one of `scopes`: the first in scope, by id. */
const firstDeviceLeft = (tenantId: string, root: Root, scopes: string[][]) => sql`
  SELECT d.id AS device_id, ${inEveryScope(tenantId, scopes)} AS in_scope
  FROM deliveries o CROSS JOIN devices d ON d.tenant_id = o.tenant_id AND d.id = o.device_id
  WHERE ${deliveriesOf(root.id, 'o', root)} AND +o.tenant_id = ${tenantId}
  ${scopes.length ? sql`ORDER BY in_scope DESC, d.id` : sql``} LIMIT 1`;

/**
 * A device of `root` still in the directory, with whether it lies in every one of `scopes` (the first in scope, by id):
 * 409 nothingToRemind when none is. A device that is gone cannot be judged, and would be left out anyway.
 */
async function someDeviceLeft(deps: Deps, tenantId: string, root: Root, scopes: string[][]) {
  const [first] = await deps.database.db.all<{ device_id: string; in_scope: number }>(firstDeviceLeft(tenantId, root, scopes));
  if (!first) throw noDeviceLeft(root.id);
  return first;
}

/**
 * For a device or bulk send's reminder: 409 nothingToRemind unless some device of it is still in the directory, and 403
 * unless one of those lies in every scope (`scopes` empty: the sender reaches the whole tenant), with the error a single
 * send to the first of them would get.
 */
async function requireOverSomeDevice(deps: Deps, principal: Principal, root: Root & { urgency: Urgency }, scopes: string[][]) {
  const first = await someDeviceLeft(deps, principal.tenantId, root, scopes);
  if (!first.in_scope) await requireOverSend(deps.database.db, principal, { type: 'device', deviceId: first.device_id }, root.urgency);
}
