import { and, count, eq, gt, inArray, or, sql, type SQL } from 'drizzle-orm';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';
import type { DirectoryDevice, DirectoryGroup, DirectoryListQuery, DirectoryUser, MemberType, Page } from '../../shared/directory';
import type { Permission } from '../../shared/permissions';
import { auditIn } from '../audit/log';
import type { Database, Db } from '../db/client';
import { contains } from '../db/like';
import { devices, groupMembers, groups, users } from '../db/schema';
import { missingPermission, notFound } from '../core/errors';
import { decodeCursor, pageOf } from '../core/pagination';
import type { Reach } from '../core/principal';
import { pushView } from './audience';
import { closureUserIds, deviceInScopeSql, withGroupClosure } from './closure';

export type DirectoryKind = 'users' | 'groups' | 'devices';

/** Items of each kind as the API returns them. */
interface Items {
  users: DirectoryUser;
  groups: DirectoryGroup;
  devices: DirectoryDevice;
}

/** Everything the generic list/get/delete needs to know about one kind of directory object. */
interface KindQueries<T> {
  label: string;
  memberType: MemberType;
  tenantId: SQLiteColumn;
  id: SQLiteColumn;
  /** Columns `?search=` looks in. */
  searched: SQLiteColumn[];
  /** Objects within the transitive members of the scope groups. */
  inScope(tenantId: string, scope: string[]): SQL;
  /** Rows matching `where` (which already keeps to the tenant); `tenantId` for any further read. */
  rows(db: Db, tenantId: string, where: SQL | undefined, limit: number): Promise<T[]>;
}

const closureOf = (tenantId: string, scope: string[], select: SQL) => sql`(${withGroupClosure(tenantId, scope)} ${select})`;

/**
 * Members of each of `groupIds` by type, counted in one grouped query over the members' primary key.
 * Not a correlated subquery in the select list: drizzle writes the columns of a single-table select
 * there unqualified, so an outer `groups.id` would silently bind to the inner table.
 */
async function memberCounts(db: Db, tenantId: string, groupIds: string[]): Promise<Map<string, DirectoryGroup['memberCounts']>> {
  const counts = new Map(groupIds.map((id) => [id, { users: 0, devices: 0, groups: 0 }]));
  if (!groupIds.length) return counts;
  const rows = await db
    .select({ groupId: groupMembers.groupId, type: groupMembers.memberType, n: count() })
    .from(groupMembers)
    .where(and(eq(groupMembers.tenantId, tenantId), inArray(groupMembers.groupId, groupIds)))
    .groupBy(groupMembers.groupId, groupMembers.memberType);
  const field = { user: 'users', device: 'devices', group: 'groups' } as const;
  for (const r of rows) counts.get(r.groupId)![field[r.type]] = r.n;
  return counts;
}

const kinds: { [K in DirectoryKind]: KindQueries<Items[K]> } = {
  users: {
    label: 'User',
    memberType: 'user',
    tenantId: users.tenantId,
    id: users.id,
    searched: [users.displayName, users.upn],
    inScope: (tenantId, scope) => sql`${users.id} IN ${closureOf(tenantId, scope, closureUserIds(tenantId))}`,
    rows: (db, _tenantId, where, limit) =>
      db
        .select({ id: users.id, upn: users.upn, displayName: users.displayName, preferredLanguage: users.preferredLanguage })
        .from(users)
        .where(where)
        .orderBy(users.id)
        .limit(limit),
  },
  groups: {
    label: 'Group',
    memberType: 'group',
    tenantId: groups.tenantId,
    id: groups.id,
    searched: [groups.displayName],
    inScope: (tenantId, scope) => sql`${groups.id} IN ${closureOf(tenantId, scope, sql`SELECT id FROM closure`)}`,
    rows: async (db, tenantId, where, limit) => {
      const rows = await db
        .select({ id: groups.id, displayName: groups.displayName })
        .from(groups)
        .where(where)
        .orderBy(groups.id)
        .limit(limit);
      const counts = await memberCounts(
        db,
        tenantId,
        rows.map((g) => g.id),
      );
      return rows.map((g) => ({ ...g, memberCounts: counts.get(g.id)! }));
    },
  },
  devices: {
    label: 'Device',
    memberType: 'device',
    tenantId: devices.tenantId,
    id: devices.id,
    // the owner's UPN and name too: an admin looks a phone up by whose it is
    searched: [devices.name, devices.serialNumber, users.upn, users.displayName],
    inScope: (tenantId, scope) => deviceInScopeSql(tenantId, scope, devices.id, devices.enrolledByUserId),
    rows: async (db, _tenantId, where, limit) => {
      const rows = await db
        .select({
          device: devices,
          user: { id: users.id, upn: users.upn, displayName: users.displayName, preferredLanguage: users.preferredLanguage },
        })
        .from(devices)
        .leftJoin(users, and(eq(users.tenantId, devices.tenantId), eq(users.id, devices.enrolledByUserId)))
        .where(where)
        .orderBy(devices.id)
        .limit(limit);
      return rows.map(({ device: d, user }) => ({
        id: d.id,
        name: d.name,
        platform: d.platform,
        enrolledByUserId: d.enrolledByUserId,
        user,
        managementState: d.managementState,
        app: d.app,
        appVersion: d.appVersion,
        push: pushView(d),
        notificationsPermitted: d.notificationsPermitted,
        serialNumber: d.serialNumber,
      }));
    },
  },
};

/** Rows of `kind` in the tenant, and within `reach`. */
function visible(kind: KindQueries<unknown>, tenantId: string, reach: Reach): SQL {
  const inTenant = eq(kind.tenantId, tenantId);
  return reach === 'all' ? inTenant : and(inTenant, kind.inScope(tenantId, reach))!;
}

/** A page of `kind` in id order: `?search=` matches any searched column, case-insensitively for ASCII. */
export async function listDirectory<K extends DirectoryKind>(
  db: Db,
  kindName: K,
  tenantId: string,
  reach: Reach,
  query: DirectoryListQuery,
): Promise<Page<Items[K]>> {
  const kind: KindQueries<Items[K]> = kinds[kindName];
  const { search } = query;
  const where = and(
    visible(kind, tenantId, reach),
    query.cursor === undefined ? undefined : gt(kind.id, decodeCursor(query.cursor, ['string'] as const)[0]),
    search === undefined ? undefined : or(...kind.searched.map((column) => contains(column, search))),
  );
  const rows = await kind.rows(db, tenantId, where, query.limit + 1);
  const page = pageOf(rows, query.limit, (last) => [last.id]);
  return { items: page.rows, nextCursor: page.nextCursor };
}

/** One object of `kind`; 404 when it is not in the tenant or not within `reach`. */
export async function getDirectoryObject<K extends DirectoryKind>(
  db: Db,
  kindName: K,
  tenantId: string,
  reach: Reach,
  id: string,
): Promise<Items[K]> {
  const kind: KindQueries<Items[K]> = kinds[kindName];
  const [row] = await kind.rows(db, tenantId, and(visible(kind, tenantId, reach), eq(kind.id, id)), 1);
  if (!row) throw notFound(kind.label, id);
  return row;
}

/** 404 unless an object of `kind` exists in the tenant within `reach` (outside it, an object is not found). */
export async function requireVisible(db: Db, kindName: DirectoryKind, tenantId: string, reach: Reach, id: string): Promise<void> {
  const kind: KindQueries<unknown> = kinds[kindName];
  if (!(await exists(db, kind, tenantId, reach, id))) throw notFound(kind.label, id);
}

/** Whether an object of `kind` exists in the tenant within `reach`. */
async function exists(db: Db, kind: KindQueries<unknown>, tenantId: string, reach: Reach, id: string): Promise<boolean> {
  const [row] = await db.all<{ ok: number }>(
    sql`SELECT 1 AS ok FROM ${kind.tenantId.table} WHERE ${and(visible(kind, tenantId, reach), eq(kind.id, id))}`,
  );
  return row !== undefined;
}

/**
 * Deletes one object of the tenant and every membership that names it: a group also loses its own member list.
 * A deleted user's devices stay, no longer enrolled by anyone (`enrolledByUserId` becomes null), so no
 * group send reaches them until a later import names their user again.
 */
export async function deleteDirectoryObject(
  database: Database,
  kindName: DirectoryKind,
  request: { tenantId: string; actorAccountId: string; reach: Reach; permission: Permission; id: string; now: number },
): Promise<void> {
  const { tenantId, actorAccountId, reach, permission, id, now } = request;
  const kind = kinds[kindName];
  // In the tenant but outside the caller's scope groups: 403 naming the permission (absent: 404 below).
  if (reach !== 'all' && !(await exists(database.db, kind, tenantId, reach, id)) && (await exists(database.db, kind, tenantId, 'all', id)))
    throw missingPermission(permission, `${kind.memberType} '${id}' (it is outside your scope groups)`);
  await database.write(async (tx) => {
    const deleted = await tx.run(sql`DELETE FROM ${kind.tenantId.table} WHERE ${and(eq(kind.tenantId, tenantId), eq(kind.id, id))}`);
    if (deleted.rowsAffected === 0) throw notFound(kind.label, id);
    await tx
      .delete(groupMembers)
      .where(
        and(
          eq(groupMembers.tenantId, tenantId),
          or(
            and(eq(groupMembers.memberType, kind.memberType), eq(groupMembers.memberId, id)),
            kindName === 'groups' ? eq(groupMembers.groupId, id) : undefined,
          ),
        ),
      );
    if (kindName === 'users')
      await tx
        .update(devices)
        .set({ enrolledByUserId: null })
        .where(and(eq(devices.tenantId, tenantId), eq(devices.enrolledByUserId, id)));
    await auditIn(tx, { tenantId, actorAccountId, action: `directory.${kind.memberType}.delete`, target: id, outcome: 'success', at: now });
  });
}
