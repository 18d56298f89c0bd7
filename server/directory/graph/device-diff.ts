import { sql } from 'drizzle-orm';
import type { Tx } from '../../db/client';
import { devices } from '../../db/schema';
import type { ListedDevices } from './read';

/** Listed devices as `deviceJson` rows, and stored ones by id. */
export interface DeviceDiff {
  /** Listed devices the tenant does not have. */
  added: string[];
  /** Listed devices whose stored columns may differ from the list (the UPDATE compares them exactly). */
  changed: string[];
  /** Ids of synced devices the list no longer has. */
  removed: string[];
}

/**
 * Splits the listed managed devices against the tenant's stored devices, so that a sync writes, and hands statements,
 * only what changed. The stored devices are read as one string in id order, a line each: `g` for a synced device (`i`
 * for another), then the same columns through SQLite's `json_array`. JSON is unambiguous, so an equal line means equal
 * values; a line that differs only in how it escapes a character sends an unchanged device through the UPDATE, which
 * writes nothing. The user compared is Graph's `userId`: a device whose user Herald lacks (stored null) stays
 * `changed`, and finds its user once Herald has it.
 *
 * Both sides are walked in id order, with no Map of 100,000 ids (building one cost more CPU than sorting the list,
 * which Graph may already give in order). JavaScript's order and SQLite's (UTF-8 bytes) differ only for some ids with
 * characters beyond U+FFFF: the stored ids are checked to ascend as compared here, else they are looked up by id.
 */
export async function diffDevices(tx: Tx, tenantId: string, listed: ListedDevices): Promise<DeviceDiff> {
  const [row] = await tx.all<{ stored: string | null }>(sql`SELECT group_concat(line, char(10)) AS stored FROM (
      SELECT CASE WHEN source = 'graph' THEN 'g' ELSE 'i' END
        || json_array(id, name, platform, enrolled_by_user_id, management_state, serial_number) AS line
      FROM ${devices} WHERE tenant_id = ${tenantId} ORDER BY id)`);
  const stored = row?.stored ?? '';
  const { ids, rows } = listed;
  const order = idOrder(ids);
  const diff: DeviceDiff = { added: [], changed: [], removed: [] };
  let next = 0;
  let previous: string | null = null;
  // JSON text holds no raw newline, so each line is one device
  for (let start = 0; start < stored.length; ) {
    const end = lineEnd(stored, start);
    const id = idOf(stored, start + 1, end);
    if (previous !== null && id <= previous) return diffById(stored, listed);
    previous = id;
    while (next < order.length && ids[order[next]!]! < id) diff.added.push(rows[order[next++]!]!);
    if (next < order.length && ids[order[next]!] === id) {
      const json = rows[order[next++]!]!;
      // (a slice and ===: measured 6x faster than startsWith at an offset of a 12 MB string)
      if (stored.slice(start + 1, end) !== json) diff.changed.push(json);
    } else if (stored[start] === 'g') diff.removed.push(id);
    start = end + 1;
  }
  while (next < order.length) diff.added.push(rows[order[next++]!]!);
  return diff;
}

/** Indexes of `ids` in ascending order, each id once (the last listed, as a later entry would overwrite an earlier). */
function idOrder(ids: string[]): number[] {
  const order = ids.map((_, index) => index);
  let ascending = true;
  for (let i = 1; i < ids.length && ascending; i++) ascending = ids[i - 1]! < ids[i]!;
  if (!ascending) order.sort((a, b) => (ids[a]! < ids[b]! ? -1 : ids[a]! > ids[b]! ? 1 : a - b));
  return ascending ? order : order.filter((index, k) => k + 1 === order.length || ids[order[k + 1]!] !== ids[index]);
}

/** The same split for stored ids that do not ascend as JavaScript compares them: the listed devices looked up by id. */
function diffById(stored: string, { ids, rows }: ListedDevices): DeviceDiff {
  const listed = new Map(ids.map((id, index) => [id, rows[index]!]));
  const diff: DeviceDiff = { added: [], changed: [], removed: [] };
  for (let start = 0; start < stored.length; ) {
    const end = lineEnd(stored, start);
    const id = idOf(stored, start + 1, end);
    const json = listed.get(id);
    if (json === undefined) {
      if (stored[start] === 'g') diff.removed.push(id);
    } else {
      listed.delete(id);
      if (stored.slice(start + 1, end) !== json) diff.changed.push(json);
    }
    start = end + 1;
  }
  diff.added.push(...listed.values());
  return diff;
}

function lineEnd(text: string, start: number): number {
  const end = text.indexOf('\n', start);
  return end < 0 ? text.length : end;
}

/** The first element of the JSON array in text[start, end), `["<id>",...]`: the device id. */
function idOf(text: string, start: number, end: number): string {
  const id = text.slice(start + 2, text.indexOf('"', start + 2));
  // an id with an escape in it (a quote ends the slice early, or a backslash is inside it) is decoded whole
  return id.includes('\\') ? (JSON.parse(text.slice(start, end)) as string[])[0]! : id;
}
