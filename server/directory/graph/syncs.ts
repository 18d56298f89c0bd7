import { randomUUID } from 'node:crypto';
import { and, desc, eq, lt, sql } from 'drizzle-orm';
import type { DirectorySync, SyncCounts, SyncKind } from '../../../shared/directory-sync';
import { auditIn } from '../../audit/log';
import type { Db, Tx } from '../../db/client';
import { directoryConnections, directorySyncs } from '../../db/schema';
import { AppError, notFound } from '../../core/errors';

type SyncRow = typeof directorySyncs.$inferSelect;

export function syncView(row: SyncRow): DirectorySync {
  return {
    id: row.id,
    kind: row.kind,
    status: row.status,
    startedAt: new Date(row.startedAt).toISOString(),
    finishedAt: row.finishedAt === null ? null : new Date(row.finishedAt).toISOString(),
    counts: (row.counts as SyncCounts | null) ?? null,
    error: row.error ?? null,
  };
}

export const syncRunning = () =>
  new AppError(409, 'syncRunning', 'A directory sync of this tenant is already running; wait for it to finish.');

/**
 * Claims the tenant's one sync slot inside the caller's write transaction: a running sync whose lease
 * lapsed (its process died) is failed first; a live one refuses with 409. The unique index on running
 * syncs holds this across processes too.
 */
export async function claimSync(tx: Tx, tenantId: string, kind: SyncKind, now: number, leaseMs: number): Promise<SyncRow> {
  await tx
    .update(directorySyncs)
    .set({
      status: 'failed',
      finishedAt: now,
      leaseUntil: null,
      error: { code: 'syncAbandoned', message: 'The process running this sync stopped before it finished; nothing was changed.' },
    })
    .where(and(eq(directorySyncs.tenantId, tenantId), eq(directorySyncs.status, 'running'), lt(directorySyncs.leaseUntil, now)));
  const [running] = await tx
    .select({ id: directorySyncs.id })
    .from(directorySyncs)
    .where(and(eq(directorySyncs.tenantId, tenantId), eq(directorySyncs.status, 'running')));
  if (running) throw syncRunning();
  const row: SyncRow = {
    id: randomUUID(),
    tenantId,
    kind,
    status: 'running',
    startedAt: now,
    finishedAt: null,
    leaseUntil: now + leaseMs,
    counts: null,
    error: null,
  };
  await tx.insert(directorySyncs).values(row);
  return row;
}

/** Extends a running sync's lease; false when it is no longer this process's (lapsed and taken over). */
export async function renewLease(tx: Tx, id: string, until: number): Promise<boolean> {
  const renewed = await tx
    .update(directorySyncs)
    .set({ leaseUntil: until })
    .where(and(eq(directorySyncs.id, id), eq(directorySyncs.status, 'running')))
    .returning({ id: directorySyncs.id });
  return renewed.length === 1;
}

/** Ends a running sync in the caller's transaction with its audit entry; throws when the sync was no longer running (its lease was lost). */
export async function finishSync(
  tx: Tx,
  sync: { id: string; tenantId: string; kind: SyncKind; actorAccountId: string | null },
  /** A success says what kind the round became: an incremental one whose delta link expired ran a full round. */
  outcome: { counts: SyncCounts; links: { users: string; groups: string }; kind: SyncKind } | { error: { code: string; message: string } },
  now: number,
): Promise<SyncRow> {
  const succeeded = 'counts' in outcome;
  const [row] = await tx
    .update(directorySyncs)
    .set({
      status: succeeded ? 'succeeded' : 'failed',
      ...(succeeded ? { kind: outcome.kind } : {}),
      finishedAt: now,
      leaseUntil: null,
      counts: succeeded ? outcome.counts : null,
      error: succeeded ? null : outcome.error,
    })
    .where(and(eq(directorySyncs.id, sync.id), eq(directorySyncs.status, 'running')))
    .returning();
  if (!row) throw new AppError(409, 'syncLeaseLost', 'This sync ran past its lease and was taken over; nothing was changed.');
  if (succeeded)
    await tx
      .update(directoryConnections)
      .set({ usersDeltaLink: outcome.links.users, groupsDeltaLink: outcome.links.groups })
      .where(eq(directoryConnections.tenantId, sync.tenantId));
  await auditIn(tx, {
    tenantId: sync.tenantId,
    actorAccountId: sync.actorAccountId,
    action: 'directory.sync',
    target: sync.id,
    outcome: succeeded ? 'success' : 'failed',
    details: succeeded ? { kind: outcome.kind, counts: outcome.counts } : { kind: sync.kind, error: outcome.error },
    at: now,
  });
  return row;
}

export async function listSyncs(db: Db, tenantId: string, limit: number): Promise<DirectorySync[]> {
  const rows = await db
    .select()
    .from(directorySyncs)
    .where(eq(directorySyncs.tenantId, tenantId))
    .orderBy(desc(directorySyncs.startedAt), desc(sql`rowid`))
    .limit(limit);
  return rows.map(syncView);
}

export async function getSync(db: Db, tenantId: string, id: string): Promise<DirectorySync> {
  const [row] = await db
    .select()
    .from(directorySyncs)
    .where(and(eq(directorySyncs.tenantId, tenantId), eq(directorySyncs.id, id)));
  if (!row) throw notFound('Directory sync', id);
  return syncView(row);
}
