import { and, desc, eq, gt, inArray, lt, or, sql } from 'drizzle-orm';
import { explainedStatuses, type DeliveryReasons } from '../../shared/reasons';
import {
  deliveryStatuses,
  type AudienceSummary,
  type DeliveryStatus,
  type LanguageCounts,
  type NotificationStatus,
  type NotificationView,
  type Target,
} from '../../shared/schemas';
import type { Db } from '../db/client';
import { accounts, deliveries, devices, notifications } from '../db/schema';
import { deliveryRowId } from '../dispatch/delivery-id';
import { notFound } from '../core/errors';
import { decodeCursor, pageOf } from '../core/pagination';
import { languageCounts } from './languages';
import { deliveriesOf } from './deliveries-of';

export type Counts = Record<DeliveryStatus, number>;

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

const columns = {
  id: notifications.id,
  createdAt: notifications.createdAt,
  kind: notifications.kind,
  groupIds: notifications.groupIds,
  deviceId: notifications.deviceId,
  deviceIds: notifications.deviceIds,
  title: notifications.title,
  body: notifications.body,
  translations: notifications.translations,
  templateId: notifications.templateId,
  titleLength: notifications.titleLength,
  bodyLength: notifications.bodyLength,
  audienceUsers: notifications.audienceUsers,
  audienceDevices: notifications.audienceDevices,
  skipped: notifications.skipped,
  via: notifications.via,
  textErasedAt: notifications.textErasedAt,
  urgency: notifications.urgency,
  requireAcknowledgement: notifications.requireAcknowledgement,
  reminderOf: notifications.reminderOf,
  status: notifications.status,
  sendAt: notifications.sendAt,
  firedAt: notifications.firedAt,
  failure: notifications.failure,
  senderAccountId: notifications.senderAccountId,
  senderEmail: accounts.email,
};

interface Tally {
  counts: Counts;
  /** Deliveries per status per recorded reason (statuses without a reason are left out). */
  reasons: DeliveryReasons;
}

/**
 * Deliveries by status and reason for each notification, in one pass over each one's rows (its row-id range): the
 * counts by status are the sums over the reasons.
 */
export function tallyQuery(db: Db, ids: string[]) {
  return db
    .select({ id: notifications.id, status: deliveries.status, reason: deliveries.reason, n: sql<number>`count(*)` })
    .from(notifications)
    .innerJoin(deliveries, deliveriesOf(notifications.id, 'deliveries', notifications))
    .where(inArray(notifications.id, ids))
    .groupBy(notifications.id, deliveries.status, deliveries.reason);
}

const explained = new Set<DeliveryStatus>(explainedStatuses);

async function countsFor(db: Db, ids: string[]): Promise<Map<string, Tally>> {
  const rows = ids.length ? await tallyQuery(db, ids) : [];
  const byId = new Map(
    ids.map((id): [string, Tally] => [id, { counts: Object.fromEntries(deliveryStatuses.map((s) => [s, 0])) as Counts, reasons: {} }]),
  );
  for (const r of rows) {
    const { counts, reasons } = byId.get(r.id)!;
    counts[r.status] += r.n;
    if (r.reason !== null && explained.has(r.status)) (reasons[r.status] ??= {})[r.reason] = r.n;
  }
  return byId;
}

/**
 * Deliveries (not skipped) per language. Only notifications that had translations (or whose text is erased, so it
 * cannot be told) are grouped by language, reading their delivery rows; every other one's deliveries all got the
 * default text, which the status counts already give.
 */
async function languagesFor(db: Db, rows: Row[], tallies: Map<string, Tally>): Promise<Map<string, LanguageCounts>> {
  const translated = rows.filter((r) => r.textErasedAt !== null || Object.keys(r.translations ?? {}).length > 0).map((r) => r.id);
  const grouped = translated.length
    ? await db
        .select({ id: notifications.id, language: deliveries.language, n: sql<number>`count(*)` })
        .from(notifications)
        .innerJoin(deliveries, deliveriesOf(notifications.id, 'deliveries', notifications))
        .where(and(inArray(notifications.id, translated), sql`${deliveries.status} <> 'skipped'`))
        .groupBy(notifications.id, deliveries.language)
    : [];
  return new Map(
    rows.map((r) => {
      if (translated.includes(r.id)) return [r.id, languageCounts(grouped.filter((g) => g.id === r.id))];
      const { skipped: _, ...reached } = tallies.get(r.id)!.counts;
      return [r.id, languageCounts([{ language: null, n: Object.values(reached).reduce((a, b) => a + b, 0) }])];
    }),
  );
}

/** The target a notification row names. */
export const rowTarget = (row: Pick<Row, 'kind' | 'groupIds' | 'deviceId' | 'deviceIds'>): Target =>
  row.kind === 'groups'
    ? { type: 'groups', groupIds: row.groupIds ?? [] }
    : row.kind === 'devices'
      ? { type: 'devices', deviceIds: row.deviceIds ?? [] }
      : { type: 'device', deviceId: row.deviceId! };

function present(row: Row, { counts, reasons }: Tally, languages: LanguageCounts): NotificationView {
  const target = rowTarget(row);
  const audience: AudienceSummary = { users: row.audienceUsers, devices: row.audienceDevices, skipped: row.skipped };
  return {
    id: row.id,
    createdAt: iso(row.createdAt)!,
    sender: { accountId: row.senderAccountId, email: row.senderEmail },
    via: row.via,
    target,
    title: row.title,
    body: row.body,
    // erased with the title and body
    translations: row.textErasedAt === null ? (row.translations ?? {}) : null,
    templateId: row.templateId,
    titleLength: row.titleLength,
    bodyLength: row.bodyLength,
    textErasedAt: iso(row.textErasedAt),
    urgency: row.urgency,
    requireAcknowledgement: row.requireAcknowledgement,
    reminderOf: row.reminderOf,
    status: row.status,
    sendAt: iso(row.sendAt),
    firedAt: iso(row.firedAt),
    lateSeconds: row.sendAt !== null && row.firedAt !== null ? Math.max(0, Math.floor((row.firedAt - row.sendAt) / 1000)) : null,
    failure: row.failure,
    // a send not made (scheduled, canceled, failed, expired) has no audience or deliveries yet, rather than zeros
    audience: row.status === 'queued' ? audience : null,
    counts: row.status === 'queued' ? counts : null,
    reasons,
    languages,
  };
}

const base = (db: Db) => db.select(columns).from(notifications).leftJoin(accounts, eq(accounts.id, notifications.senderAccountId));
type Row = Awaited<ReturnType<typeof base>>[number];

type NotificationPage = { limit: number; cursor?: string; status?: NotificationStatus };

/**
 * One page of a tenant's notifications, newest first, keyset-paginated on (createdAt, id); only those in `status` when
 * given, read through notifications_tenant_status_created so a few scheduled sends are found without reading the rest.
 */
export function notificationPageQuery(db: Db, tenantId: string, page: NotificationPage) {
  const after = page.cursor ? decodeCursor(page.cursor, ['number', 'string'] as const) : null;
  return base(db)
    .where(
      and(
        eq(notifications.tenantId, tenantId),
        page.status ? eq(notifications.status, page.status) : undefined,
        after
          ? or(lt(notifications.createdAt, after[0]), and(eq(notifications.createdAt, after[0]), lt(notifications.id, after[1])))
          : undefined,
      ),
    )
    .orderBy(desc(notifications.createdAt), desc(notifications.id))
    .limit(page.limit + 1);
}

/** Newest first, keyset-paginated on (createdAt, id); only those in `status` when given. */
export async function listNotifications(db: Db, tenantId: string, page: NotificationPage) {
  const rows = await notificationPageQuery(db, tenantId, page);
  const { rows: pageRows, nextCursor } = pageOf(rows, page.limit, (last) => [last.createdAt, last.id]);
  const counts = await countsFor(
    db,
    pageRows.map((r) => r.id),
  );
  const languages = await languagesFor(db, pageRows, counts);
  return { items: pageRows.map((r) => present(r, counts.get(r.id)!, languages.get(r.id)!)), nextCursor };
}

export async function getNotification(db: Db, tenantId: string, id: string): Promise<NotificationView> {
  const [row] = await base(db).where(and(eq(notifications.tenantId, tenantId), eq(notifications.id, id)));
  if (!row) throw notFound('Notification', id);
  const counts = await countsFor(db, [id]);
  return present(row, counts.get(id)!, (await languagesFor(db, [row], counts)).get(id)!);
}

/**
 * One notification's deliveries in delivery order (the snapshot's), optionally of one status. The cursor is the
 * last device id of the page, which the page shows anyway: the row id behind the order is a sequence shared by
 * every tenant.
 */
export async function listDeliveries(
  db: Db,
  tenantId: string,
  id: string,
  page: { limit: number; cursor?: string; status?: DeliveryStatus },
) {
  const [range] = await db
    .select({ firstDeliveryId: notifications.firstDeliveryId, lastDeliveryId: notifications.lastDeliveryId })
    .from(notifications)
    .where(and(eq(notifications.tenantId, tenantId), eq(notifications.id, id)));
  if (!range) throw notFound('Notification', id);
  const after = page.cursor ? decodeCursor(page.cursor, ['string'] as const)[0] : null;
  const rows = await db
    .select({
      deviceId: deliveries.deviceId,
      /** Null once the device left the directory. */
      deviceName: devices.name,
      userId: deliveries.userId,
      language: deliveries.language,
      status: deliveries.status,
      reason: deliveries.reason,
      attempts: deliveries.attempts,
      provider: deliveries.provider,
      fallback: deliveries.fallback,
      updatedAt: deliveries.updatedAt,
    })
    .from(deliveries)
    .leftJoin(devices, and(eq(devices.tenantId, deliveries.tenantId), eq(devices.id, deliveries.deviceId)))
    .where(
      and(
        deliveriesOf(id, 'deliveries', range),
        page.status ? eq(deliveries.status, page.status) : undefined,
        after === null ? undefined : gt(deliveries.id, deliveryRowId(tenantId, id, after)),
      ),
    )
    .orderBy(deliveries.id)
    .limit(page.limit + 1);
  const { rows: pageRows, nextCursor } = pageOf(rows, page.limit, (last) => [last.deviceId]);
  return { items: pageRows.map(({ updatedAt, ...d }) => ({ ...d, updatedAt: iso(updatedAt)! })), nextCursor };
}
