import { and, eq, getTableColumns, inArray, sql, type SQL } from 'drizzle-orm';
import type { z } from 'zod';
import {
  resolvedMessageSchema,
  unsupportedPlatforms,
  type Accepted,
  type AudienceSummary,
  type RefusedDevice,
  type ResolvedMessage,
  type Scheduled,
  type Send,
  type SkipReason,
  type Target,
} from '../../shared/schemas';
import type { Permission } from '../../shared/permissions';
import type { Urgency } from '../../shared/urgency';
import { countCharacters } from '../../shared/text';
import { auditIn, audit, markAudited } from '../audit/log';
import type { Db, Tx } from '../db/client';
import { preparedPer } from '../db/prepared';
import { devices, deviceSends, groups, notifications } from '../db/schema';
import { fixedInsert, fixedStatement, placeholder, rowsOf } from '../db/statement';
import type { Deps } from '../deps';
import { audienceSelect, skipReasonSql, summarizeAudience } from '../directory/audience';
import { AppError, invalidRequest, missingPermission, notFound } from '../core/errors';
import { parseOr400 } from '../core/parse';
import { reachOf, type Principal } from '../core/principal';
import { groupsOutsideScope, requireOverDevice, requirePermission } from '../rbac/scope';
import { getTemplate } from '../templates/templates';
import { readSettingsIn } from '../tenant/settings';
import { languageChoiceSql } from './languages';
import { type DeliveryRange, deliveriesOf, writtenRange } from './deliveries-of';
import { notificationId } from './notification-id';
import { useQuota } from './quota';

export const targetOf = (send: Pick<Send, 'groupIds' | 'deviceId' | 'deviceIds'>): Target =>
  send.groupIds
    ? { type: 'groups', groupIds: send.groupIds }
    : send.deviceIds
      ? { type: 'devices', deviceIds: send.deviceIds }
      : { type: 'device', deviceId: send.deviceId! };

/** The device a send names, with why a push could not reach it now (null when it could). */
const deviceQuery = preparedPer((db: Db) =>
  db
    .select({ ...getTableColumns(devices), skipReason: sql<SkipReason | null>`${skipReasonSql('devices')}` })
    .from(devices)
    .where(and(eq(devices.tenantId, sql.placeholder('tenantId')), eq(devices.id, sql.placeholder('deviceId'))))
    .prepare(),
);

/** What a send needs, by the kind of its target. */
export const SEND_PERMISSION = {
  groups: 'Organization.Update',
  device: 'RemoteTasks.SendCustomNotifications',
  devices: 'RemoteTasks.SendCustomNotifications',
} as const satisfies Record<Target['type'], Permission>;

/** What a send of urgency `high` needs on top, over the same target (scoped as the target's own permission is). */
export const URGENT_PERMISSION = 'RemoteTasks.SendUrgentNotifications' satisfies Permission;

/**
 * The permission check that needs no text, made before the title and body are checked (the costlier part of a
 * send's validation): the permission of the target's kind, or, where the body names no clear target, some
 * permission to send at all; and the urgent one for urgency `high`. authorizeTarget checks the scope later.
 */
export function requireSendPermission(principal: Principal, kind: Target['type'] | null, urgency: Urgency = 'normal'): void {
  if (kind) requirePermission(principal, SEND_PERMISSION[kind]);
  else if (reachOf(principal, SEND_PERMISSION.groups) === null && reachOf(principal, SEND_PERMISSION.device) === null)
    throw missingPermission(`${SEND_PERMISSION.groups} or ${SEND_PERMISSION.device}`);
  if (urgency === 'high') requirePermission(principal, URGENT_PERMISSION);
}

/** Requires `permission` over the target: over every group (a scope group or nested in one), or over the device. */
export async function requireOverTarget(db: Db, principal: Principal, permission: Permission, target: Target): Promise<void> {
  if (target.type === 'device') return requireOverDevice(db, principal, permission, target.deviceId);
  if (target.type === 'devices') {
    for (const deviceId of target.deviceIds) await requireOverDevice(db, principal, permission, deviceId);
    return;
  }
  const reach = requirePermission(principal, permission);
  if (reach === 'all') return;
  const outside = await groupsOutsideScope(db, principal.tenantId, reach, target.groupIds);
  if (outside.length) throw missingPermission(permission, `group '${outside[0]}' (it is outside your scope groups)`);
}

/** Requires everything a send of this urgency needs over its target (the target's existence aside). */
export async function requireOverSend(db: Db, principal: Principal, target: Target, urgency: Urgency): Promise<void> {
  await requireOverTarget(db, principal, SEND_PERMISSION[target.type], target);
  if (urgency === 'high') await requireOverTarget(db, principal, URGENT_PERMISSION, target);
}

/** The target of a request body read by `schema` without its text, or null when it names none clearly. */
export function targetIn(schema: z.ZodType<Pick<Send, 'groupIds' | 'deviceId' | 'deviceIds'>>, body: unknown): Target | null {
  const result = schema.safeParse(body);
  return result.success ? targetOf(result.data) : null;
}

/**
 * Judges each device of a bulk send as a single device send to it would be judged (authorizeTarget): the target
 * narrowed to those that pass, in the order given, and the error each refused one would have had. None passing is
 * the error a single send to the first would give (allRefused).
 */
export async function judgeDevices(db: Db, principal: Principal, deviceIds: string[], urgency: Urgency) {
  const passed: string[] = [];
  const refused = new Map<string, AppError>();
  for (const deviceId of deviceIds) {
    try {
      await authorizeTarget(db, principal, { type: 'device', deviceId }, urgency);
      passed.push(deviceId);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      refused.set(deviceId, error);
    }
  }
  if (passed.length === 0) throw allRefused(deviceIds, refused);
  return { target: { type: 'devices', deviceIds: passed } as const, refused };
}

/**
 * The sender's rights over a send's target, as a send made now and a scheduled one firing both judge them: the target
 * to send to and, for a bulk send, its devices as given with the error of each one refused (judgeDevices). Throws the
 * AppError the send fails with.
 */
export async function judgeTarget(
  db: Db,
  principal: Principal,
  target: Target,
  urgency: Urgency,
): Promise<Pick<Outgoing, 'target' | 'bulk'>> {
  if (target.type !== 'devices') {
    await authorizeTarget(db, principal, target, urgency);
    return { target };
  }
  const judged = await judgeDevices(db, principal, target.deviceIds, urgency);
  return { target: judged.target, bulk: { requested: target.deviceIds, refused: judged.refused } };
}

/** The refusals of a bulk send in the order its devices were given, as its answer lists them. */
export const refusalsOf = (requested: string[], refused: Map<string, AppError>): RefusedDevice[] =>
  requested.flatMap((deviceId) => {
    const error = refused.get(deviceId);
    return error ? [{ deviceId, code: error.code, message: error.message }] : [];
  });

/** No device of a bulk send passed: the error a single send would give for the first, its details listing every device. */
export class AllDevicesRefused extends AppError {
  constructor(
    readonly refused: RefusedDevice[],
    first: AppError,
  ) {
    super(first.status, first.code, first.message, refused, first.headers);
  }
}

export const allRefused = (requested: string[], refused: Map<string, AppError>): AllDevicesRefused =>
  new AllDevicesRefused(refusalsOf(requested, refused), refused.get(requested[0]!)!);

/** Checks the permission, existence and scope of a send's target (and of its urgency); returns the device row for a device send. */
export async function authorizeTarget(db: Db, principal: Principal, target: Exclude<Target, { type: 'devices' }>, urgency: Urgency) {
  const { tenantId } = principal;
  if (target.type === 'groups') {
    requirePermission(principal, SEND_PERMISSION.groups);
    const found = await db
      .select({ id: groups.id })
      .from(groups)
      .where(and(eq(groups.tenantId, tenantId), inArray(groups.id, target.groupIds)));
    const missing = target.groupIds.filter((id) => !found.some((g) => g.id === id));
    if (missing.length)
      throw invalidRequest(
        `Group '${missing[0]}' does not exist.`,
        missing.map((id) => ({ path: 'groupIds', message: `Group '${id}' does not exist.` })),
      );
    await requireOverSend(db, principal, target, urgency);
    return null;
  }
  // the permission first (403 before 404), then the device, then whether it lies in scope
  requirePermission(principal, SEND_PERMISSION.device);
  const [device] = await deviceQuery(db).all({ tenantId, deviceId: target.deviceId });
  if (!device) throw notFound('Device', target.deviceId);
  await requireOverSend(db, principal, target, urgency);
  if (unsupportedPlatforms.includes(device.platform))
    throw new AppError(
      400,
      'unsupportedPlatform',
      `Device '${device.id}' runs ${device.platform}; custom notifications reach only iOS, iPadOS and Android.`,
    );
  if (device.managementState !== 'enrolled') throw new AppError(400, 'notEnrolled', `Device '${device.id}' is not enrolled.`);
  return device;
}

/**
 * `(device_id, user_id, skip_reason, language)` for every device of the target's audience, ORDER BY device_id:
 * `language` is the translation chosen for the device's user (languageChoiceSql), NULL for the default text. Without
 * translations the users are not read at all.
 */
export function audienceRows(tenantId: string, target: Target, translations: ResolvedMessage['translations']): SQL {
  const rows =
    target.type === 'groups'
      ? sql`${audienceSelect(tenantId, target.groupIds)}`
      : sql`SELECT d.id AS device_id, d.enrolled_by_user_id AS user_id, ${skipReasonSql('d')} AS skip_reason
              FROM devices d WHERE d.tenant_id = ${tenantId} AND ${
                target.type === 'device' ? sql`d.id = ${target.deviceId}` : inArray(sql`d.id`, target.deviceIds)
              }`;
  return withLanguages(tenantId, rows, translations);
}

/** `(device_id, user_id, skip_reason)` rows with the language chosen for each device's user added (see audienceRows). */
export function withLanguages(tenantId: string, rows: SQL, translations: ResolvedMessage['translations']): SQL {
  // ORDER BY again outside: SQLite drops the ORDER BY of a FROM-clause subquery that is part of a join
  if (Object.keys(translations).length === 0) return sql`SELECT a.*, NULL AS language FROM (${rows}) a ORDER BY a.device_id`;
  return sql`SELECT a.*, ${languageChoiceSql(translations, sql`u.preferred_language`)} AS language
    FROM (${rows}) a LEFT JOIN users u ON u.tenant_id = ${tenantId} AND u.id = a.user_id ORDER BY a.device_id`;
}

/**
 * The message a send pushes: the fields it gives, over those of its template (a 404 for a template the tenant does
 * not have), checked again as a whole, since a title of the send and a body of the template may not fit one push
 * together; urgency and acknowledgement resolve the same way (`normal` and none when neither gives them). Reading
 * the template needs no permission beyond the send's own.
 */
export async function resolveMessage(
  db: Db,
  tenantId: string,
  send: Pick<Send, 'title' | 'body' | 'translations' | 'templateId' | 'urgency' | 'requireAcknowledgement'>,
): Promise<ResolvedMessage> {
  if (send.templateId === undefined)
    return {
      title: send.title!,
      body: send.body!,
      translations: send.translations ?? {},
      urgency: send.urgency ?? 'normal',
      requireAcknowledgement: send.requireAcknowledgement ?? false,
    };
  const template = await getTemplate(db, tenantId, send.templateId);
  return parseOr400(resolvedMessageSchema, {
    title: send.title ?? template.title,
    body: send.body ?? template.body,
    translations: send.translations ?? template.translations,
    urgency: send.urgency ?? template.urgency,
    requireAcknowledgement: send.requireAcknowledgement ?? template.requireAcknowledgement,
  });
}

/** The distinct users of the devices a snapshot recorded, for targets whose users are not counted by a group closure. */
async function usersReached(tx: Tx, notificationId: string, range: DeliveryRange): Promise<number> {
  const [users] = await tx.all<{ n: number }>(
    sql`SELECT count(DISTINCT user_id) AS n FROM deliveries WHERE ${deliveriesOf(notificationId, 'deliveries', range)} AND user_id IS NOT NULL`,
  );
  return users?.n ?? 0;
}

/**
 * The audience as the snapshot recorded it, plus the users reached: a snapshot writes each row `queued`, or `skipped`
 * with its reason, so only the skipped rows are read (by reason) and the others are the `written` rest. Counting
 * every queued row of a 200,000-device send again would cost more than a tenth of its acceptance.
 */
async function snapshotSummary(
  tx: Tx,
  notificationId: string,
  range: DeliveryRange,
  written: number,
  users: number,
): Promise<AudienceSummary> {
  const skipped = await tx.all<{ reason: SkipReason | null; n: number }>(
    sql`SELECT reason, count(*) AS n FROM deliveries WHERE ${deliveriesOf(notificationId, 'deliveries', range)} AND status = 'skipped' GROUP BY reason`,
  );
  const queued = written - skipped.reduce((sum, r) => sum + r.n, 0);
  return summarise([{ status: 'queued', reason: null, n: queued }, ...skipped.map((r) => ({ status: 'skipped', ...r }))], users);
}

/** Every device an audience summary counts, reachable or skipped. */
const devicesIn = (summary: AudienceSummary) => Object.values(summary.skipped).reduce((sum, n) => sum + (n ?? 0), summary.devices);

function summarise(rows: { status: string; reason: SkipReason | null; n: number }[], users: number): AudienceSummary {
  const summary: AudienceSummary = { users, devices: 0, skipped: {} };
  for (const r of rows) {
    if (r.status === 'skipped' && r.reason) summary.skipped[r.reason] = (summary.skipped[r.reason] ?? 0) + r.n;
    else summary.devices += r.n;
  }
  return summary;
}

/** A notification about to be accepted. */
export interface Outgoing {
  target: Target;
  /** What it says and how it is shown: a send's (its template's merged in), or the original's for a reminder. */
  message: ResolvedMessage;
  /** The template the send was made from (a reminder keeps the original's). */
  templateId: string | null;
  via: 'api' | 'graph';
  /**
   * A reminder: the notification it repeats, and its audience as `(device_id, user_id, skip_reason, language)` rows
   * (that one's devices still to reach, judged as a fresh send would); none reachable is 409 nothingToRemind. `check`
   * runs first in the write transaction (what may have changed since it was read outside, e.g. the text erased).
   */
  reminder?: { of: string; rows: SQL; check: (tx: Tx) => Promise<void> };
  /**
   * A bulk device send: the devices as given, and those already refused (by authorizeTarget); the target names the
   * others, whose quotas are checked in the transaction.
   */
  bulk?: { requested: string[]; refused: Map<string, AppError> };
}

/**
 * `rows` (see audienceRows) read through a table SQLite materializes once, in their order, instead of a subquery it
 * would flatten into the INSERT: flattened, the sort carried every column of the delivery row (the tenant and
 * notification ids included) and the skip reason's CASE ran once per column derived from it (status, reason,
 * next_attempt_at). About a tenth less CPU for a 200,000-device snapshot; one row gains nothing from it.
 */
const materialized = (rows: SQL) => sql`WITH snapshot AS MATERIALIZED (${rows}) SELECT * FROM snapshot`;

/** Writes the delivery rows of `rows` (see audienceRows) for notification `id`, as queued or skipped. */
const snapshotInsert = (
  tenantId: string,
  id: string,
  rows: SQL,
  now: number,
) => sql`INSERT INTO deliveries (tenant_id, notification_id, device_id, user_id, language, status, reason, attempts, next_attempt_at, updated_at)
      SELECT ${tenantId}, ${id}, a.device_id, a.user_id, a.language,
        CASE WHEN a.skip_reason IS NULL THEN 'queued' ELSE 'skipped' END, a.skip_reason, 0,
        CASE WHEN a.skip_reason IS NULL THEN ${now} END, ${now}
      FROM (${rows}) a`;

/** A single device send's snapshot without translations, the one every such send writes: built once (see snapshotAudience). */
const deviceSnapshot = fixedStatement<{ tenantId: string; id: string; deviceId: string; now: number }>(() => {
  const tenantId = placeholder<string>('tenantId');
  const target = { type: 'device', deviceId: placeholder<string>('deviceId') } as const;
  return sql`${snapshotInsert(tenantId, placeholder('id'), audienceRows(tenantId, target, {}), placeholder('now'))} RETURNING id, status, reason, user_id`;
});

/** A snapshot written: its audience, and the row ids of its deliveries (the notification row records them). */
export interface Snapshot {
  audience: AudienceSummary;
  range: DeliveryRange;
}

/** Writes the snapshot of `rows` for notification `id` in one INSERT: how many rows it wrote, and their range. */
async function writeSnapshot(tx: Tx, tenantId: string, id: string, rows: SQL, now: number) {
  const { rowsAffected, lastInsertRowid } = await tx.run(snapshotInsert(tenantId, id, materialized(rows), now));
  return { written: rowsAffected, range: writtenRange(rowsAffected, lastInsertRowid) };
}

/** Writes the snapshot of `rows` and summarises it from the rows written: a bulk send's devices, a reminder's. */
async function rowsSnapshot(tx: Tx, tenantId: string, id: string, rows: SQL, now: number): Promise<Snapshot> {
  const { written, range } = await writeSnapshot(tx, tenantId, id, rows, now);
  return { audience: await snapshotSummary(tx, id, range, written, await usersReached(tx, id, range)), range };
}

/**
 * Snapshots the target's audience as the directory is now into notification `id`'s deliveries, in the send's write
 * transaction (a send made now, or a scheduled one firing), and summarises it.
 */
export async function snapshotAudience(
  tx: Tx,
  tenantId: string,
  id: string,
  target: Target,
  translations: ResolvedMessage['translations'],
  now: number,
): Promise<Snapshot> {
  if (target.type === 'groups') {
    const { written, range } = await writeSnapshot(tx, tenantId, id, audienceRows(tenantId, target, translations), now);
    // The counts a preview gives, from each reached user's counts in user_reach (exact within this transaction):
    // cheaper than walking the groups again for the users and reading every skipped row just written for its reason.
    const summary = await summarizeAudience(tx, tenantId, target.groupIds);
    if (devicesIn(summary) === written) return { audience: summary, range };
    // user_reach disagrees with the rows written (it never should): the rows are the truth
    return { audience: await snapshotSummary(tx, id, range, written, summary.users), range };
  }
  if (target.type === 'devices') return rowsSnapshot(tx, tenantId, id, audienceRows(tenantId, target, translations), now);
  // a single row: the one just written is the summary, with no second pass over deliveries
  type Written = { id: number; status: string; reason: SkipReason | null; user_id: string | null };
  const written =
    Object.keys(translations).length === 0
      ? await rowsOf<Written>(deviceSnapshot.run(tx, { tenantId, id, deviceId: target.deviceId, now }))
      : await tx.all<Written>(
          sql`${snapshotInsert(tenantId, id, audienceRows(tenantId, target, translations), now)} RETURNING id, status, reason, user_id`,
        );
  return {
    audience: summarise(
      written.map((r) => ({ ...r, n: 1 })),
      written[0]?.user_id ? 1 : 0,
    ),
    range: writtenRange(written.length, written[0]?.id),
  };
}

/**
 * Uses the quota `outgoing` takes at `when.at` (a send made now, or a slot at its sendAt): a bulk send's devices over
 * their hourly quota are refused with the others already refused, and none left is allRefused's error. Answers the
 * devices charged, the target that goes (a bulk send's devices charged) and a bulk send's refusals.
 */
export async function chargeQuota(
  tx: Tx,
  tenantId: string,
  { target, bulk }: Pick<Outgoing, 'target' | 'bulk'>,
  settings: Parameters<typeof useQuota>[3],
  when: { at: number; now: number },
): Promise<{ charged: string[]; target: Target; refusals?: RefusedDevice[] }> {
  if (!bulk) return { charged: await useQuota(tx, tenantId, target, settings, when), target };
  const refused = new Map(bulk.refused);
  const charged = await useQuota(tx, tenantId, target, settings, when, refused);
  if (charged.length === 0) throw allRefused(bulk.requested, refused);
  return { charged, target: { type: 'devices', deviceIds: charged }, refusals: refusalsOf(bulk.requested, refused) };
}

// every send writes these, and every device send the device's row: their SQL is built once
const insertNotification = fixedInsert(notifications);
const insertDeviceSend = fixedInsert(deviceSends);

/**
 * Accepts a send: the quota use, the notification and a delivery row per device (reachable or skipped)
 * are written in one transaction, so the audience is the membership at this instant and a committed
 * send survives a crash. Pushing happens later, outside any transaction.
 */
export async function accept(deps: Deps, principal: Principal, outgoing: Outgoing): Promise<Accepted> {
  const { tenantId } = principal;
  const { message, reminder } = outgoing;
  let { target } = outgoing;
  const id = notificationId(Date.now());
  const accepted = await deps.database.write(async (tx) => {
    const now = deps.now();
    // read inside the transaction, so a limit changed a moment ago is the one enforced
    const settings = await readSettingsIn(tx, tenantId);
    // the devices whose hourly quota this send uses: the device of a single send, each device a bulk send goes to
    let charged: string[];
    let refusals: RefusedDevice[] | undefined;
    let audience: AudienceSummary;
    let range: DeliveryRange;
    if (reminder) {
      await reminder.check(tx);
      // nothing to remind is told before a full quota: sending again later would not change it
      ({ audience, range } = await rowsSnapshot(tx, tenantId, id, reminder.rows, now));
      if (audience.devices === 0) throw nothingToRemind(reminder.of, message.requireAcknowledgement, audience);
      // a reminder uses the quota of each device it reaches, all or none
      const reached =
        target.type === 'groups'
          ? target
          : ({
              type: 'devices',
              deviceIds: (
                await tx.all<{ device_id: string }>(
                  sql`SELECT device_id FROM deliveries WHERE ${deliveriesOf(id, 'deliveries', range)} AND status = 'queued' ORDER BY device_id`,
                )
              ).map((r) => r.device_id),
            } as const);
      charged = await useQuota(tx, tenantId, reached, settings, { at: now, now });
    } else {
      ({ charged, target, refusals } = await chargeQuota(tx, tenantId, outgoing, settings, { at: now, now }));
      ({ audience, range } = await snapshotAudience(tx, tenantId, id, target, message.translations, now));
    }
    // written once, with its audience: the delivery rows need no notification row before them
    await insertNotification.run(tx, {
      ...notificationRow(id, principal, { ...outgoing, target }, now),
      reminderOf: reminder?.of ?? null,
      audienceUsers: audience.users,
      audienceDevices: audience.devices,
      skipped: audience.skipped,
      expiresAt: now + settings.pushTtlHours * 3_600_000,
      ...range,
    });
    for (const deviceId of charged) await insertDeviceSend.run(tx, { tenantId, deviceId, createdAt: now, notificationId: id });
    await auditIn(tx, {
      tenantId,
      actorAccountId: principal.accountId,
      action: reminder ? 'notification.remind' : 'notification.send',
      target: describeTarget(target),
      outcome: 'success',
      details: {
        ...sendDetails(id, { ...outgoing, target }),
        audience,
        ...(reminder && { reminderOf: reminder.of }),
        ...(refusals && { refused: refusals }),
      },
      at: now,
    });
    return { id, status: 'queued' as const, target, audience, ...(refusals && { refused: refusals }) };
  });
  if (accepted.audience.devices > 0) deps.onQueued?.();
  return accepted;
}

/** What the audit log records of a send: its target, the template and the languages' tags, never the text. */
export const sendDetails = (id: string, { target, message, templateId, via }: Outgoing) => ({
  notificationId: id,
  via,
  target,
  templateId,
  languages: Object.keys(message.translations),
  urgency: message.urgency,
});

/** The notification row of a send made (or scheduled) at `now`, its audience and expiry aside. */
export const notificationRow = (id: string, principal: Principal, { target, message, templateId, via }: Outgoing, now: number) => ({
  id,
  tenantId: principal.tenantId,
  senderAccountId: principal.accountId,
  kind: target.type,
  groupIds: target.type === 'groups' ? target.groupIds : null,
  deviceId: target.type === 'device' ? target.deviceId : null,
  deviceIds: target.type === 'devices' ? target.deviceIds : null,
  title: message.title,
  body: message.body,
  translations: message.translations,
  templateId,
  titleLength: countCharacters(message.title),
  bodyLength: countCharacters(message.body),
  urgency: message.urgency,
  requireAcknowledgement: message.requireAcknowledgement,
  via,
  createdAt: now,
});

/** 409: no device of the original is left to remind, or none of those left can receive a push now. */
function nothingToRemind(of: string, acknowledgement: boolean, audience: AudienceSummary): AppError {
  const done = acknowledgement ? 'acknowledged' : 'opened';
  const skipped = Object.values(audience.skipped).reduce((sum, n) => sum + (n ?? 0), 0);
  return new AppError(
    409,
    'nothingToRemind',
    skipped
      ? `Notification '${of}': none of the ${skipped} devices that have not ${done} it can receive a push now.`
      : `Notification '${of}': every device it reached that is still in the directory has ${done} it.`,
  );
}

export const describeTarget = (t: Target) =>
  t.type === 'groups'
    ? `groups:${t.groupIds.join(',')}`
    : t.type === 'devices'
      ? `devices:${t.deviceIds.join(',')}`
      : `device:${t.deviceId}`;

/** A send request as its route reads it: the target found without the text (null if unclear), and the full parse. */
export interface SendRequest {
  target: Target | null;
  /** The kind of target the route itself implies (Graph's routes), else the target's. */
  kind?: Target['type'];
  /** The urgency read without the text (`normal` where the body gives none, or none readable). */
  urgency?: Urgency;
  parse: () => Send;
}

/** Writes a send with `sendAt` as scheduled (./schedule.ts, which the routes that take `sendAt` pass in). */
export type ScheduleSend = (principal: Principal, outgoing: Outgoing, sendAt: string) => Promise<Scheduled>;

/**
 * A send as a route sees it: checks the sending permission before the text, parses, accepts, and records any
 * refusal (never with the text) in the audit log.
 */
export function sendNotification(
  deps: Deps,
  principal: Principal,
  via: 'api' | 'graph',
  read: () => Promise<SendRequest>,
  schedule?: ScheduleSend,
): Promise<Accepted | Scheduled> {
  return auditedSend(deps, principal, 'notification.send', { via }, async (aim) => {
    const request = await read();
    aim(request.target);
    requireSendPermission(principal, request.kind ?? request.target?.type ?? null, request.urgency);
    const send = request.parse();
    const target = aim(targetOf(send));
    // resolved first: a template's urgency `high` needs its permission as a send's own does
    const message = await resolveMessage(deps.database.db, principal.tenantId, send);
    const outgoing = { target, message, templateId: send.templateId ?? null, via };
    // a scheduled send is judged as a send now is, and again when it fires
    const deliver = (o: Outgoing) => (send.sendAt && schedule ? schedule(principal, o, send.sendAt) : accept(deps, principal, o));
    return deliver({ ...outgoing, ...(await judgeTarget(deps.database.db, principal, target, message.urgency)) });
  });
}

/**
 * Runs a send (or a reminder) and records its refusal, never with the text, in the audit log; `aim` tells it the
 * target once known.
 */
export async function auditedSend<A>(
  deps: Deps,
  principal: Principal,
  action: 'notification.send' | 'notification.remind' | 'notification.cancel',
  details: Record<string, unknown>,
  run: (aim: <T extends Target | null>(target: T) => T) => Promise<A>,
): Promise<A> {
  let target: Target | null = null;
  try {
    return await run((aimed) => {
      target = aimed;
      return aimed;
    });
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    await audit(deps.database, {
      tenantId: principal.tenantId,
      actorAccountId: principal.accountId,
      action,
      target: target ? describeTarget(target) : null,
      outcome: error.status === 403 ? 'denied' : 'rejected',
      details: { ...details, status: error.status, code: error.code, message: error.message },
      at: deps.now(),
    });
    throw markAudited(error);
  }
}
