import { type Column, sql, type SQL } from 'drizzle-orm';

/** The row ids of a notification's deliveries, first and last (both null when it has none). */
export interface DeliveryRange {
  firstDeliveryId: number | null;
  lastDeliveryId: number | null;
}

/**
 * The range of the `written` rows a single INSERT just wrote, the last of them `lastInsertRowid`: AUTOINCREMENT row
 * ids, given one after another under the write lock, so consecutive.
 */
export function writtenRange(written: number, lastInsertRowid: unknown): DeliveryRange {
  if (written === 0) return { firstDeliveryId: null, lastDeliveryId: null };
  const last = Number(lastInsertRowid);
  // a client that did not say would leave the rows unfindable: fail the send (nothing is committed) instead
  if (!Number.isSafeInteger(last) || last < written) throw new Error(`No row id for the ${written} deliveries just written.`);
  return { firstDeliveryId: last - written + 1, lastDeliveryId: last };
}

/**
 * The condition that the `deliveries` row `alias` is one of notification `id`'s: a search of its row-id `range` (its
 * bounds as read from the notification row, or a joined notification row's columns), then the notification id
 * checked on each row found.
 */
export function deliveriesOf(
  id: string | Column,
  alias: string,
  range: DeliveryRange | { firstDeliveryId: Column; lastDeliveryId: Column },
): SQL {
  const d = sql.raw(alias);
  return sql`${d}.id BETWEEN ${range.firstDeliveryId} AND ${range.lastDeliveryId} AND ${d}.notification_id = ${id}`;
}
