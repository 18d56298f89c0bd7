import { and, eq, gt, inArray, isNull, lt, lte, sql, type Placeholder, type SQL } from 'drizzle-orm';
import type { Database, Db, Tx } from '../db/client';
import { deviceSends, notifications } from '../db/schema';
import { fixedStatement, rowsOf } from '../db/statement';
import type { Target } from '../../shared/schemas';
import { AppError, quotaExceeded } from '../core/errors';

export const QUOTA_WINDOW_MS = 60 * 60 * 1000;

export type QuotaTarget = { kind: 'groups' } | { kind: 'device'; deviceId: string };

/**
 * The times of the sends one quota counts in `(from, to]`, as a `SELECT created_at`: group sends of a tenant, or
 * sends to one device, single or as part of a bulk send (device_sends). A scheduled send counts at its sendAt, from
 * when it is scheduled until it is canceled, fails or expires (its device sends are deleted then). Group sends made
 * at once are read through the notifications' partial index (the kind is a literal, not a bound parameter: with a
 * parameter SQLite still picks the partial index, but by re-planning the statement whenever that parameter is bound,
 * which would undo the kept prepared statement on every send), scheduled ones through their own.
 */
export function quotaTimes(tenantId: string, target: QuotaTarget, from: number, to: number): SQL {
  return target.kind === 'groups'
    ? sql`SELECT ${notifications.createdAt} AS created_at FROM ${notifications}
        WHERE ${and(eq(notifications.tenantId, tenantId), sql`${notifications.kind} = 'groups'`, gt(notifications.createdAt, from), lte(notifications.createdAt, to), isNull(notifications.sendAt))}
      UNION ALL SELECT ${notifications.sendAt} FROM ${notifications}
        WHERE ${and(eq(notifications.tenantId, tenantId), sql`${notifications.kind} = 'groups' AND ${notifications.sendAt} IS NOT NULL`, gt(notifications.sendAt, from), lte(notifications.sendAt, to), inArray(notifications.status, ['scheduled', 'queued']))}`
    : sql`SELECT ${deviceSends.createdAt} AS created_at FROM ${deviceSends}
        WHERE ${and(eq(deviceSends.tenantId, tenantId), eq(deviceSends.deviceId, target.deviceId), gt(deviceSends.createdAt, from), lte(deviceSends.createdAt, to))}`;
}

/** The fullest rolling hour `(end - 1 h, end]` that a send at `at` would fall in, given the other sends' times near it. */
export function fullestHour(times: number[], at: number): { end: number; inside: number[] } {
  let fullest = { end: at, inside: [] as number[] };
  // the count only rises at `at` and at each later send within the hour
  for (const end of [at, ...times.filter((t) => t > at && t < at + QUOTA_WINDOW_MS)]) {
    const inside = times.filter((t) => t > end - QUOTA_WINDOW_MS && t <= end).sort((a, b) => a - b);
    if (inside.length > fullest.inside.length) fullest = { end, inside };
  }
  return fullest;
}

/**
 * 429 unless a send at `at` (now, or a scheduled sendAt) fits every rolling hour it falls in, counting the sends made
 * and those scheduled: an hour that ends later may already hold scheduled sends. Exact inside the send's write.
 */
export async function assertQuotaAt(tx: Tx, tenantId: string, target: QuotaTarget, limit: number, at: number, now: number, name: string) {
  const rows = await tx.all<{ created_at: number }>(quotaTimes(tenantId, target, at - QUOTA_WINDOW_MS, at + QUOTA_WINDOW_MS));
  assertHour(
    fullestHour(
      rows.map((r) => r.created_at),
      at,
    ),
    limit,
    at,
    now,
    name,
  );
}

function assertHour(hour: ReturnType<typeof fullestHour>, limit: number, at: number, now: number, name: string) {
  const used = hour.inside.length;
  if (used < limit) return;
  // the send whose departure from the hour frees a slot
  const frees = hour.inside[used - limit]! + QUOTA_WINDOW_MS;
  const retryAfter = Math.max(1, Math.ceil((frees - now) / 1000));
  const iso = (ms: number) => new Date(ms).toISOString();
  if (hour.end === at && at <= now)
    throw quotaExceeded(
      `The ${name} quota of ${limit} per hour is used up; it frees a slot at ${iso(frees)} (in ${retryAfter} s).`,
      retryAfter,
      {
        limit,
        hourStart: iso(hour.end - QUOTA_WINDOW_MS),
        hourEnd: iso(hour.end),
      },
    );
  throw quotaExceeded(
    `The ${name} quota of ${limit} per hour is full in the hour from ${iso(hour.end - QUOTA_WINDOW_MS)} to ${iso(hour.end)}: it already holds ${used} sends made or scheduled.`,
    retryAfter,
    { limit, hourStart: iso(hour.end - QUOTA_WINDOW_MS), hourEnd: iso(hour.end) },
  );
}

/**
 * One quota as `GET /v1/quotas` shows it, from one read of the sends around `now`: `used`, the sends of the past hour,
 * and `resetsAt`, when the one whose departure frees a slot leaves it (the oldest while slots remain); `available`,
 * how many sends made now fit every rolling hour they would fall in (what assertQuotaAt checks), and `scheduled`,
 * the sends due within the coming hour, which hold slots a send made now would need.
 */
export async function quotaState(db: Db | Tx, tenantId: string, target: QuotaTarget, limit: number, now: number) {
  const times = (await db.all<{ created_at: number }>(quotaTimes(tenantId, target, now - QUOTA_WINDOW_MS, now + QUOTA_WINDOW_MS)))
    .map((r) => r.created_at)
    .sort((a, b) => a - b);
  const past = times.filter((t) => t <= now);
  const frees = past[Math.max(0, past.length - limit)];
  return {
    used: past.length,
    resetsAt: frees === undefined ? null : new Date(frees + QUOTA_WINDOW_MS).toISOString(),
    available: Math.max(0, limit - fullestHour(times, now).inside.length),
    // a send due an hour from now or later shares no rolling hour with a send made now
    scheduled: times.filter((t) => t > now && t < now + QUOTA_WINDOW_MS).length,
  };
}

type DeviceSendTime = { device_id: string; created_at: number };

/** The device sends of the devices `which` picks in `(from, to)`. */
const deviceSendTimes = (tenantId: string | Placeholder, which: SQL, from: number | Placeholder, to: number | Placeholder) =>
  sql`SELECT ${deviceSends.deviceId} AS device_id, ${deviceSends.createdAt} AS created_at FROM ${deviceSends}
    WHERE ${and(eq(deviceSends.tenantId, tenantId), which, gt(deviceSends.createdAt, from), lt(deviceSends.createdAt, to))}`;

/** A single device send's quota read, the one every such send makes: built once. */
const oneDeviceSends = fixedStatement<{ tenantId: string; deviceId: string; from: number; to: number }>(() =>
  deviceSendTimes(
    sql.placeholder('tenantId'),
    eq(deviceSends.deviceId, sql.placeholder('deviceId')),
    sql.placeholder('from'),
    sql.placeholder('to'),
  ),
);

/**
 * Of `deviceIds`, those a send at `at` would take past their device quota (see assertQuotaAt), each with its 429; one
 * statement for a bulk send's devices.
 */
export async function devicesOverQuotaAt(tx: Tx, tenantId: string, deviceIds: string[], limit: number, at: number, now: number) {
  const over = new Map<string, AppError>();
  if (deviceIds.length === 0) return over;
  const rows =
    deviceIds.length === 1
      ? await rowsOf<DeviceSendTime>(
          oneDeviceSends.run(tx, { tenantId, deviceId: deviceIds[0]!, from: at - QUOTA_WINDOW_MS, to: at + QUOTA_WINDOW_MS }),
        )
      : await tx.all<DeviceSendTime>(
          deviceSendTimes(tenantId, inArray(deviceSends.deviceId, deviceIds), at - QUOTA_WINDOW_MS, at + QUOTA_WINDOW_MS),
        );
  for (const deviceId of deviceIds) {
    const times = rows.filter((r) => r.device_id === deviceId).map((r) => r.created_at);
    if (times.length < limit) continue;
    try {
      assertHour(fullestHour(times, at), limit, at, now, deviceQuotaName(deviceId));
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      over.set(deviceId, error);
    }
  }
  return over;
}

export const deviceQuotaName = (deviceId: string) => `device send (to device '${deviceId}')`;
export const GROUP_QUOTA_NAME = 'group send (per tenant)';

/** How many device_sends rows pruning takes at a time, in key order: a ms or two of the write lock when any is old. */
const PRUNE_SCAN_ROWS = 5_000;

type DeviceKey = { tenant_id: string; device_id: string };

/**
 * Deletes the device sends that have left every quota window, so device_sends holds about an hour of sends, and
 * returns how many it deleted. An hour of sends is a large table (720,000 rows at 200 device sends a second) whose old
 * rows are spread over every device's keys: one DELETE of them all held the write lock, and so every send, for 160 ms
 * at that size. So it walks the table in key order about `scanRows` rows at a time, whole devices, and deletes the old
 * sends of each such range in a write of its own, only when a read (which takes no lock) found one there.
 */
export async function pruneDeviceSends(database: Database, now: number, scanRows = PRUNE_SCAN_ROWS): Promise<number> {
  const before = now - QUOTA_WINDOW_MS;
  const key = sql`(tenant_id, device_id)`;
  let after: DeviceKey | undefined;
  let deleted = 0;
  for (;;) {
    const pastAfter = after && sql`${key} > (${after.tenant_id}, ${after.device_id})`;
    // the range (after, last]: up to the device of the scanRows-th row, all of its sends (a device's are consecutive)
    const [last] = await database.db.all<DeviceKey>(sql`SELECT tenant_id, device_id FROM device_sends
      ${pastAfter ? sql`WHERE ${pastAfter}` : sql``} ORDER BY tenant_id, device_id LIMIT 1 OFFSET ${scanRows - 1}`);
    const range = and(pastAfter, last && sql`${key} <= (${last.tenant_id}, ${last.device_id})`, lte(deviceSends.createdAt, before));
    const [old] = await database.db.all(sql`SELECT 1 FROM device_sends WHERE ${range} LIMIT 1`);
    if (old) deleted += (await database.write((tx) => tx.run(sql`DELETE FROM device_sends WHERE ${range}`))).rowsAffected;
    if (!last) return deleted;
    after = last;
  }
}

/**
 * Uses a send's quota at `at` (now, or a scheduled send's sendAt) in its write transaction: the tenant's group send
 * quota, or each device's. A reminder needs every device's slot; a bulk send leaves out the devices at their limit
 * (their 429 added to `refused`) and answers the devices it charges, all refused when none is left.
 */
export async function useQuota(
  tx: Tx,
  tenantId: string,
  target: Target,
  settings: { groupSendsPerHour: number; deviceSendsPerHour: number },
  when: { at: number; now: number },
  refused?: Map<string, AppError>,
): Promise<string[]> {
  const { at, now } = when;
  if (target.type === 'groups') {
    await assertQuotaAt(tx, tenantId, { kind: 'groups' }, settings.groupSendsPerHour, at, now, GROUP_QUOTA_NAME);
    return [];
  }
  const candidates = target.type === 'device' ? [target.deviceId] : target.deviceIds;
  const over = await devicesOverQuotaAt(tx, tenantId, candidates, settings.deviceSendsPerHour, at, now);
  const first = candidates.find((d) => over.has(d));
  if (first !== undefined && !refused) throw over.get(first)!;
  for (const [deviceId, error] of over) refused?.set(deviceId, error);
  return candidates.filter((deviceId) => !over.has(deviceId));
}
