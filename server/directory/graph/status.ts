import { and, desc, eq, sql } from 'drizzle-orm';
import type { DirectoryStatus } from '../../../shared/directory-sync';
import type { Db } from '../../db/client';
import { devices, directorySyncs, groups, users } from '../../db/schema';
import { readConnection } from './connection';
import { listSyncs } from './syncs';

const count = (table: typeof users | typeof groups | typeof devices, tenantId: string) =>
  sql<number>`(SELECT count(*) FROM ${table} WHERE ${table.tenantId} = ${tenantId})`;

/** The directory's source, its newest sync and newest success, and its size, for the extension's Options. */
export async function directoryStatus(db: Db, tenantId: string): Promise<DirectoryStatus> {
  const [connection, [lastSync], [success], [totals]] = await Promise.all([
    readConnection(db, tenantId),
    listSyncs(db, tenantId, 1),
    db
      .select({ finishedAt: directorySyncs.finishedAt })
      .from(directorySyncs)
      .where(and(eq(directorySyncs.tenantId, tenantId), eq(directorySyncs.status, 'succeeded')))
      .orderBy(desc(directorySyncs.startedAt))
      .limit(1),
    db.all<DirectoryStatus['totals']>(
      sql`SELECT ${count(users, tenantId)} AS users, ${count(groups, tenantId)} AS groups, ${count(devices, tenantId)} AS devices`,
    ),
  ]);
  return {
    source: connection ? 'entra' : 'import',
    lastSync: lastSync ?? null,
    lastSuccessAt: success?.finishedAt ? new Date(success.finishedAt).toISOString() : null,
    totals: totals ?? { users: 0, groups: 0, devices: 0 },
  };
}
