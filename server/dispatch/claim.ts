import { sql } from 'drizzle-orm';
import type { Database, Tx } from '../db/client';
import { jsonRowIn, jsonRowOut } from '../db/json-rows';
import { skipReasonSql } from '../directory/audience';
import { variantTextSql } from '../notifications/languages';
import type { DeviceApp, PushService } from '../../shared/directory';
import type { Urgency } from '../../shared/urgency';

/** A due delivery this worker now holds, with what a push needs: the device as it is now and the notification's text. */
export interface Claimed {
  id: number;
  tenantId: string;
  notificationId: string;
  deviceId: string;
  /** Tries so far, this one included. */
  attempts: number;
  service: PushService;
  token: string;
  platform: string;
  app: DeviceApp | null;
  appVersion: string | null;
  /** The variant chosen for the device's user; null once erased by the tenant's retention setting. */
  title: string | null;
  body: string | null;
  expiresAt: number;
  contentFree: boolean;
  urgency: Urgency;
  requireAcknowledgement: boolean;
}

export interface Claim {
  /** When the lease ends; it also identifies this claim's rows when their results are recorded. */
  leaseUntil: number;
  deliveries: Claimed[];
  /** Due deliveries closed at claim time instead: skipped (the device can no longer be pushed) or expired. */
  closed: { skipped: number; expired: number };
}

/**
 * Deliveries waiting to be pushed: the rows the deliveries_due partial index holds. The status is a literal,
 * so SQLite can use that index without re-planning the statement.
 */
export const QUEUED = sql`status = 'queued'`;

/** Queued deliveries due by `now` (a leased one falls due when its lease ends). */
export const dueBy = (now: number) => sql`${QUEUED} AND next_attempt_at <= ${now}`;

const nothingClaimed = (leaseUntil: number): Claim => ({ leaseUntil, deliveries: [], closed: { skipped: 0, expired: 0 } });

/**
 * Claims up to `limit` due deliveries (status `queued`, `next_attempt_at` reached; half the oldest, half the
 * newest) in one write: each gets a
 * lease by moving `next_attempt_at` to the lease's end, so a crashed worker's rows fall due again by themselves.
 * The device is re-checked here with the one definition of reachability: a device unenrolled, silenced or
 * without a token since the send is `skipped` with that reason, and a delivery past its notification's
 * expiry is `expired`; neither is pushed.
 */
export async function claimDue(database: Database, now: number, limit: number, leaseMs: number): Promise<Claim> {
  const leaseUntil = now + leaseMs;
  // An idle worker polls: answer "nothing due" from a read, not a write transaction (the write lock, which
  // other processes wait for, and a WAL sync each time). What a concurrent claim takes first, the write re-checks.
  const due = dueBy(now);
  const [anyDue] = await database.db.all(sql`SELECT 1 FROM deliveries WHERE ${due} LIMIT 1`);
  if (!anyDue) return nothingClaimed(leaseUntil);
  return database.write(async (tx) => {
    // Rows and texts come back as one JSON value each: the client's row objects cost more than the queries.
    // Half from each end of the due queue (both walk the deliveries_due index): the oldest, so nothing starves,
    // and the newest, so a device send queued behind a big group send's backlog goes out in the next claim
    // instead of after the whole backlog. Where fewer are due than `limit`, the halves overlap and all are taken.
    // One read picks them and decides each (pushed, skipped or expired) with what is the device's own; what is
    // the notification's (its text, expiry, urgency) is read once per notification and language below, not copied
    // into every row: measured, that halved this read's CPU and the JSON parsed per push.
    const newest = Math.floor(limit / 2);
    const [picked] = await tx.all<{ rows: string }>(sql`
      SELECT json_group_array(${pick.sql}) AS rows
      FROM deliveries dl
      LEFT JOIN devices d ON d.tenant_id = dl.tenant_id AND d.id = dl.device_id
      WHERE dl.id IN (
        SELECT id FROM (SELECT id FROM deliveries WHERE ${due} ORDER BY next_attempt_at, id LIMIT ${limit - newest})
        UNION
        SELECT id FROM (SELECT id FROM deliveries WHERE ${due} ORDER BY next_attempt_at DESC, id DESC LIMIT ${newest}))`);
    const picks = (JSON.parse(picked?.rows ?? '[]') as unknown[][]).map(pick.decode);
    if (picks.length === 0) return nothingClaimed(leaseUntil);
    const texts = await textsOf(
      tx,
      picks.filter((p) => p.skip === null),
    );
    // Then the pushed ones only move their lease (their status, and so the status indexes, stay as they are), and
    // the few closed ones (rare) get their status and reason.
    const deliveries: Claimed[] = [];
    const closed: Closing[] = [];
    // a claim's rows come in runs of one notification and language: look a run's text up once
    let run: { of: TextKey; text: Text | undefined } | undefined;
    for (const p of picks) {
      if (p.skip === null && !(run && sameVariant(run.of, p))) run = { of: p, text: texts.get(textKey(p)) };
      // a notification gone since (never in practice) expires its deliveries, as its expiry 0 would
      const text = run?.text;
      if (p.skip !== null) closed.push({ id: p.id, status: 'skipped', skip: p.skip });
      else if (!text || text.expiresAt <= now) closed.push({ id: p.id, status: 'expired', skip: null });
      else deliveries.push(claimed(p, text));
    }
    if (deliveries.length)
      await tx.run(sql`
        UPDATE deliveries SET attempts = attempts + 1, next_attempt_at = ${leaseUntil}, lease_until = ${leaseUntil}, updated_at = ${now}
        WHERE id IN (SELECT value FROM json_each(${JSON.stringify(deliveries.map((d) => d.id))}))`);
    if (closed.length)
      await tx.run(sql`
        UPDATE deliveries SET status = c.status, reason = coalesce(c.skip, deliveries.reason, 'ttlElapsed'),
          next_attempt_at = NULL, lease_until = NULL, updated_at = ${now}
        FROM (SELECT ${closing.columns} FROM json_each(${JSON.stringify(closed.map(closing.encode))})) c
        WHERE deliveries.id = c.id`);
    const skipped = closed.filter((c) => c.status === 'skipped').length;
    return { leaseUntil, deliveries, closed: { skipped, expired: closed.length - skipped } };
  });
}

/** Each picked delivery, built in SQL as one JSON array per row: why its device cannot be pushed now (null: it can), and what of the push is its own. */
const pick = jsonRowOut({
  id: sql<number>`dl.id`,
  skip: sql<string | null>`CASE WHEN d.id IS NULL THEN 'notEnrolled' ELSE ${skipReasonSql('d')} END`,
  tenantId: sql<string>`dl.tenant_id`,
  notificationId: sql<string>`dl.notification_id`,
  /** The translation chosen for the device's user at the snapshot; null: the default text. */
  language: sql<string | null>`dl.language`,
  deviceId: sql<string>`dl.device_id`,
  // read before the claim counts this try
  attempts: sql<number>`dl.attempts + 1`,
  service: sql<PushService>`d.push_service`,
  token: sql<string>`d.push_token`,
  platform: sql<string>`d.platform`,
  app: sql<DeviceApp | null>`d.app`,
  appVersion: sql<string | null>`d.app_version`,
});
type Picked = ReturnType<typeof pick.decode>;

/** What a push takes from its notification (in the variant of one language), shared by every delivery of it in a claim. */
const text = jsonRowOut({
  tenantId: sql<string>`k.tenantId`,
  notificationId: sql<string>`n.id`,
  language: sql<string | null>`k.language`,
  title: sql<string | null>`${variantTextSql('title', 'n', 'k')}`,
  body: sql<string | null>`${variantTextSql('body', 'n', 'k')}`,
  expiresAt: sql<number>`n.expires_at`,
  // JSON true/false, so a decoded row holds booleans
  contentFree: sql<boolean>`json(CASE WHEN t.content_free_push THEN 'true' ELSE 'false' END)`,
  urgency: sql<Urgency>`n.urgency`,
  requireAcknowledgement: sql<boolean>`json(CASE WHEN n.require_acknowledgement THEN 'true' ELSE 'false' END)`,
});
type Text = ReturnType<typeof text.decode>;

type TextKey = Pick<Text, 'tenantId' | 'notificationId' | 'language'>;
const textKeyIn = jsonRowIn<TextKey>('tenantId', 'notificationId', 'language');
/** A notification's variant as a Map key; a language is a BCP 47 tag, never empty. */
const textKey = ({ tenantId, notificationId, language }: TextKey) => `${tenantId}\n${notificationId}\n${language ?? ''}`;

const sameVariant = (a: TextKey, b: TextKey) =>
  a.notificationId === b.notificationId && a.language === b.language && a.tenantId === b.tenantId;

/** The texts `picks` need, read once each, by textKey (a notification gone is absent). */
async function textsOf(tx: Tx, picks: readonly TextKey[]): Promise<Map<string, Text>> {
  const keys = new Map<string, TextKey>();
  let last: TextKey | undefined;
  for (const p of picks) {
    if (last && sameVariant(last, p)) continue;
    keys.set(textKey(p), p);
    last = p;
  }
  const texts = new Map<string, Text>();
  if (keys.size === 0) return texts;
  const [row] = await tx.all<{ texts: string }>(sql`
    SELECT json_group_array(${text.sql}) AS texts
    FROM (SELECT ${textKeyIn.columns} FROM json_each(${JSON.stringify([...keys.values()].map(textKeyIn.encode))})) k
    JOIN notifications n ON n.id = k.notificationId AND n.tenant_id = k.tenantId
    LEFT JOIN tenants t ON t.id = n.tenant_id`);
  for (const values of JSON.parse(row?.texts ?? '[]') as unknown[][]) {
    const t = text.decode(values);
    texts.set(textKey(t), t);
  }
  return texts;
}

/** A picked delivery to push, with its notification's text: one object literal, the same shape for every push. */
const claimed = (p: Picked, t: Text): Claimed => ({
  id: p.id,
  tenantId: p.tenantId,
  notificationId: p.notificationId,
  deviceId: p.deviceId,
  attempts: p.attempts,
  service: p.service,
  token: p.token,
  platform: p.platform,
  app: p.app,
  appVersion: p.appVersion,
  title: t.title,
  body: t.body,
  expiresAt: t.expiresAt,
  contentFree: t.contentFree,
  urgency: t.urgency,
  requireAcknowledgement: t.requireAcknowledgement,
});

/** A picked delivery closed instead of pushed: skipped with its reason, or expired (`skip` null). */
type Closing = { id: number; status: 'skipped' | 'expired'; skip: string | null };
const closing = jsonRowIn<Closing>('id', 'status', 'skip');

/** When the next queued delivery falls due (a retry or an expiring lease), or null when the queue is empty. */
export async function nextDueAt(database: Database): Promise<number | null> {
  const [row] = await database.db.all<{ at: number | null }>(sql`SELECT min(next_attempt_at) AS at FROM deliveries WHERE ${QUEUED}`);
  return row?.at ?? null;
}
