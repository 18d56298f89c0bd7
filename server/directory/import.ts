import { sql, type SQL } from 'drizzle-orm';
import type { SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { DirectoryImport, ImportCounts, MemberType } from '../../shared/directory';
import { auditIn } from '../audit/log';
import { checkpoint, type Database, type Tx } from '../db/client';
import { devices, groupMembers, groups, users } from '../db/schema';
import { invalidRequest } from '../core/errors';
import { collectGarbage } from '../core/memory';
import { hashSecret } from '../core/secrets';
import { keepingReach } from './reach';

/** Rows per multi-row INSERT: enough to amortise each statement, few enough to keep its JSON parameter small. */
const CHUNK = 500;

export interface ImportRequest {
  tenantId: string;
  /** Null when an operator imports from the CLI. */
  actorAccountId: string | null;
  input: DirectoryImport;
  now: number;
}

/** A reference to an object that exists neither in the import nor in the tenant. */
interface MissingReference {
  type: MemberType;
  id: string;
  referencedBy: string;
}

/** The device (by its `enrolledByUserId`) or group (by a member) that first named an object outside the import. */
type Referrer = DirectoryImport['devices'][number] | DirectoryImport['groups'][number];

const describeReferrer = (r: Referrer) => ('platform' in r ? `Device '${r.id}' (enrolledByUserId)` : `Group '${r.id}'`);

/** Ids looked up per statement: a JSON parameter of a few hundred KB, not one of every id a large import names. */
const LOOKUP = 5_000;

const MAX_NAMED = 100;

/**
 * Upserts users, devices and groups by id in one write transaction; a group given with `members` gets
 * exactly that member list. A member or `enrolledByUserId` naming an object found neither in the import
 * nor in the tenant rejects the whole import with a 400 naming it (only the audit entry of the refusal is kept).
 */
/**
 * An import this large (objects and memberships given) collects the garbage of reading it (the body's bytes, the
 * parse's temporaries: 12-15 MB of buffers and up to 30 MB of heap for 50,000 devices or 200,000 memberships) before
 * it writes, so its write does not grow the process on top of them; and checkpoints the WAL before answering, so later
 * sends do not pay for it, and collects its own garbage (its parsed objects, each statement's JSON): heap and buffers
 * back to what they were, not tens of MB above.
 */
const BULK = 10_000;

export async function importDirectory(database: Database, request: ImportRequest): Promise<ImportCounts> {
  const { tenantId, actorAccountId, input, now } = request;
  const memberships = input.groups.reduce((n, g) => n + (g.members?.length ?? 0), 0);
  const bulk = input.users.length + input.devices.length + input.groups.length + memberships >= BULK;
  if (bulk) collectGarbage();
  const outcome = await database.write(async (tx): Promise<{ counts: ImportCounts } | { counts: null; missing: MissingReference[] }> => {
    const imported: Record<MemberType, Set<string>> = {
      user: new Set(input.users.map((u) => u.id)),
      device: new Set(input.devices.map((d) => d.id)),
      group: new Set(input.groups.map((g) => g.id)),
    };
    const missing = await missingReferences(tx, tenantId, input, imported);
    if (missing.length) {
      const details = { missing: missing.slice(0, MAX_NAMED), missingCount: missing.length };
      await auditIn(tx, { tenantId, actorAccountId, action: 'directory.import', outcome: 'rejected', details, at: now });
      return { counts: null, missing };
    }
    await withLargeCache(tx, () => keepingReach(tx, tenantId, input.devices.length, () => upsert(tx, tenantId, input)));
    const counts = { users: imported.user.size, groups: imported.group.size, devices: imported.device.size };
    await auditIn(tx, { tenantId, actorAccountId, action: 'directory.import', outcome: 'success', details: { ...counts }, at: now });
    return { counts };
  });
  if (outcome.counts === null) throw unknownReferences(outcome.missing);
  if (bulk) {
    await checkpoint(database);
    // once the caller is done with the body and its parsed objects (after this request's answer), not while they are still held
    setImmediate(collectGarbage);
  }
  return outcome.counts;
}

function unknownReferences(missing: MissingReference[]) {
  const [first] = missing;
  const more = missing.length > 1 ? ` (and ${missing.length - 1} more unknown references)` : '';
  return invalidRequest(
    `${first!.referencedBy} names ${first!.type} '${first!.id}', which exists neither in this import nor in the tenant${more}; nothing was imported.`,
    missing.slice(0, MAX_NAMED),
  );
}

async function missingReferences(
  tx: Tx,
  tenantId: string,
  input: DirectoryImport,
  imported: Record<MemberType, Set<string>>,
): Promise<MissingReference[]> {
  /**
   * References outside the import, by type then id, with the object that made each first: the objects themselves,
   * already held, not a message per reference (100,000 members of a group import would be 100,000 strings).
   */
  const outside: Record<MemberType, Map<string, Referrer>> = { user: new Map(), device: new Map(), group: new Map() };
  const note = (type: MemberType, id: string, referrer: Referrer) => {
    if (!imported[type].has(id) && !outside[type].has(id)) outside[type].set(id, referrer);
  };
  for (const d of input.devices) if (d.enrolledByUserId !== null) note('user', d.enrolledByUserId, d);
  for (const g of input.groups) for (const m of g.members ?? []) note(m.type, m.id, g);

  const tables = { user: users, device: devices, group: groups };
  const missing: MissingReference[] = [];
  for (const type of ['user', 'device', 'group'] as const) {
    const table = tables[type];
    const ids = [...outside[type].keys()];
    for (let i = 0; i < ids.length; i += LOOKUP) {
      const rows = await tx.all<{ id: string }>(sql`SELECT j.value AS id FROM json_each(${JSON.stringify(ids.slice(i, i + LOOKUP))}) j
        WHERE NOT EXISTS (SELECT 1 FROM ${table} t WHERE t.tenant_id = ${tenantId} AND t.id = j.value)`);
      for (const { id } of rows) missing.push({ type, id, referencedBy: describeReferrer(outside[type].get(id)!) });
    }
  }
  return missing;
}

/**
 * A large import touches far more index pages than the default 2 MB page cache holds (a quarter less CPU
 * with 64 MB); the pooled connection gets its own setting back afterwards, so it keeps no big cache. 16 MB keeps
 * most of that gain: the pages SQLite frees afterwards stay in the process (the allocator does not hand them back),
 * and 64 MB of them left a server that had imported 200,000 devices about 50 MB larger for good.
 */
async function withLargeCache(tx: Tx, fn: () => Promise<void>): Promise<void> {
  const [before] = await tx.all<{ cache_size: number }>(sql`PRAGMA cache_size`);
  await tx.run(sql`PRAGMA cache_size = -16384`);
  try {
    await fn();
  } finally {
    await tx.run(sql.raw(`PRAGMA cache_size = ${Math.trunc(before?.cache_size ?? -2000)}`));
  }
}

/**
 * A group_members row not among `listed`, a JSON array of `[group_id, member_type, member_id]`. `IN (...) IS NOT TRUE`,
 * not `NOT IN`: a row-value NOT IN must tell NULL from false, so SQLite scans the whole list for every row it deletes
 * (2,000 groups re-imported over 200,000 memberships took minutes); here no value can be NULL, and each row is one
 * lookup in the list's index.
 */
export const unlistedMember = (listed: string): SQL =>
  sql`((group_id, member_type, member_id) IN (SELECT value->>0, value->>1, value->>2 FROM json_each(${listed}))) IS NOT TRUE`;

export function* chunks<T>(list: readonly T[]): Generator<T[]> {
  for (let i = 0; i < list.length; i += CHUNK) yield list.slice(i, i + CHUNK);
}

/**
 * Multi-row `INSERT ... SELECT` of `rows` for the tenant, CHUNK rows per statement. Each chunk travels as
 * one JSON parameter of row arrays (values in the order of `columns`) that SQLite unpacks with json_each:
 * half the CPU of binding every value through drizzle, a fifth less than JSON objects. Returns the rows written.
 */
export async function insertRows(
  tx: Tx,
  table: SQLiteTable,
  tenantId: string,
  columns: string[],
  rows: unknown[][],
  onConflict: SQL,
): Promise<number> {
  const names = sql.raw(['tenant_id', ...columns].join(', '));
  const values = sql.raw(columns.map((_, i) => `value->>${i}`).join(', '));
  let written = 0;
  for (const chunk of chunks(rows)) {
    // `WHERE true` tells SQLite's parser that ON CONFLICT starts the upsert clause, not a join constraint.
    written += (
      await tx.run(
        sql`INSERT INTO ${table} (${names}) SELECT ${tenantId}, ${values} FROM json_each(${JSON.stringify(chunk)}) WHERE true ${onConflict}`,
      )
    ).rowsAffected;
  }
  return written;
}

/** Devices of the tenant whose push token a provider rejected, with that token's hash (the token itself is cleared). */
async function rejectedTokens(tx: Tx, tenantId: string): Promise<Map<string, string>> {
  const rows = await tx.all<{ id: string; sha256: string }>(
    sql`SELECT id, push_token_rejected_sha256 AS sha256 FROM devices
      WHERE tenant_id = ${tenantId} AND push_token_invalid_at IS NOT NULL AND push_token_rejected_sha256 IS NOT NULL`,
  );
  return new Map(rows.map((r) => [r.id, r.sha256]));
}

async function upsert(tx: Tx, tenantId: string, input: DirectoryImport): Promise<void> {
  const dead = await rejectedTokens(tx, tenantId);
  for (const chunk of chunks(input.users))
    await insertRows(
      tx,
      users,
      tenantId,
      ['id', 'upn', 'display_name', 'preferred_language'],
      chunk.map((u) => [u.id, u.upn, u.displayName, u.preferredLanguage]),
      sql`ON CONFLICT (tenant_id, id) DO UPDATE SET upn = excluded.upn, display_name = excluded.display_name,
      preferred_language = excluded.preferred_language`,
    );

  // rows made a chunk at a time: all of them at once would be another copy of the whole import
  for (const chunk of chunks(input.devices))
    await insertRows(
      tx,
      devices,
      tenantId,
      [
        'id',
        'name',
        'platform',
        'enrolled_by_user_id',
        'management_state',
        'app',
        'app_version',
        'push_service',
        'push_token',
        'notifications_permitted',
        'serial_number',
      ],
      chunk.map((d) => [
        d.id,
        d.name,
        d.platform,
        d.enrolledByUserId,
        d.managementState,
        d.app,
        d.appVersion,
        d.push?.service ?? null,
        // the very token a provider rejected is not stored again, so the device stays marked (see below)
        d.push?.token && dead.has(d.id) && dead.get(d.id) === hashSecret(d.push.token) ? null : (d.push?.token ?? null),
        d.notificationsPermitted,
        d.serialNumber,
      ]),
      // A token a provider reported invalid stays marked while the directory brings that same token again: before
      // the dispatcher cleared it, it is the stored one; after, it arrives here as null (above). Another token clears the mark.
      sql`ON CONFLICT (tenant_id, id) DO UPDATE SET name = excluded.name, platform = excluded.platform,
      enrolled_by_user_id = excluded.enrolled_by_user_id, management_state = excluded.management_state, app = excluded.app,
      app_version = excluded.app_version, push_service = excluded.push_service, push_token = excluded.push_token,
      push_token_invalid_at = CASE WHEN push_token IS excluded.push_token THEN push_token_invalid_at END,
      notifications_permitted = excluded.notifications_permitted, serial_number = excluded.serial_number`,
    );

  await insertRows(
    tx,
    groups,
    tenantId,
    ['id', 'display_name'],
    input.groups.map((g) => [g.id, g.displayName]),
    sql`ON CONFLICT (tenant_id, id) DO UPDATE SET display_name = excluded.display_name`,
  );

  const replaced = oneListingEach(input.groups.filter((g) => g.members !== undefined));
  // a member listed again keeps its row, and with it its source: one a sync listed stays the sync's to remove
  for (const chunk of memberChunks(replaced)) {
    await tx.run(sql`DELETE FROM ${groupMembers} WHERE tenant_id = ${tenantId}
      AND group_id IN (SELECT value FROM json_each(${JSON.stringify(chunk.map((g) => g.id))}))
      AND ${unlistedMember(JSON.stringify(memberRows(chunk)))}`);
  }
  for (const chunk of memberChunks(replaced))
    await insertRows(tx, groupMembers, tenantId, ['group_id', 'member_type', 'member_id'], memberRows(chunk), sql`ON CONFLICT DO NOTHING`);
}

/** Memberships per statement: 500 groups of a large directory list hundreds of thousands, megabytes of JSON at once. */
const MEMBERS = 5_000;

/**
 * A group listed more than once in one import, as the union of its listings: its DELETE must see all of them, which
 * it would not if its listings fell into different chunks (each would remove the members only the other lists).
 */
function oneListingEach(groups: DirectoryImport['groups']): DirectoryImport['groups'] {
  const byId = new Map<string, DirectoryImport['groups'][number]>();
  for (const g of groups) {
    const seen = byId.get(g.id);
    byId.set(g.id, seen ? { ...g, members: [...seen.members!, ...g.members!] } : g);
  }
  return byId.size === groups.length ? groups : [...byId.values()];
}

/** `groups` in runs of at most CHUNK groups listing at most MEMBERS members together (a larger group alone). */
function* memberChunks(groups: DirectoryImport['groups']): Generator<DirectoryImport['groups']> {
  let chunk: DirectoryImport['groups'] = [];
  let members = 0;
  for (const g of groups) {
    const listed = g.members!.length;
    if (chunk.length > 0 && (chunk.length === CHUNK || members + listed > MEMBERS)) {
      yield chunk;
      chunk = [];
      members = 0;
    }
    chunk.push(g);
    members += listed;
  }
  if (chunk.length > 0) yield chunk;
}

const memberRows = (groups: DirectoryImport['groups']) => groups.flatMap((g) => g.members!.map((m) => [g.id, m.type, m.id]));
