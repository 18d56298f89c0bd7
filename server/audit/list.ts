import { and, desc, eq, lt } from 'drizzle-orm';
import type { AuditItem, AuditOutcome } from '../../shared/audit';
import type { Db } from '../db/client';
import { accounts, auditLog } from '../db/schema';
import { decodeCursor, pageOf } from '../core/pagination';

export interface AuditQuery {
  action?: string;
  outcome?: AuditOutcome;
  /** `nextCursor` of the previous page. */
  cursor?: string;
  limit: number;
}

/** A tenant's audit entries, newest first, a page at a time; an entry's id is its number within the tenant. */
export async function listAudit(db: Db, tenantId: string, query: AuditQuery): Promise<{ items: AuditItem[]; nextCursor: string | null }> {
  const before = query.cursor === undefined ? undefined : decodeCursor(query.cursor, ['number'] as const)[0];
  const rows = await db
    .select({
      seq: auditLog.seq,
      at: auditLog.at,
      actorAccountId: auditLog.actorAccountId,
      email: accounts.email,
      action: auditLog.action,
      target: auditLog.target,
      outcome: auditLog.outcome,
      details: auditLog.details,
    })
    .from(auditLog)
    .leftJoin(accounts, and(eq(accounts.id, auditLog.actorAccountId), eq(accounts.tenantId, auditLog.tenantId)))
    .where(
      and(
        eq(auditLog.tenantId, tenantId),
        before === undefined ? undefined : lt(auditLog.seq, before),
        query.action === undefined ? undefined : eq(auditLog.action, query.action),
        query.outcome === undefined ? undefined : eq(auditLog.outcome, query.outcome),
      ),
    )
    .orderBy(desc(auditLog.seq))
    .limit(query.limit + 1);
  const page = pageOf(rows, query.limit, (last) => [last.seq]);
  const items = page.rows.map((r) => ({
    id: String(r.seq),
    at: new Date(r.at).toISOString(),
    actor: r.actorAccountId === null ? null : { accountId: r.actorAccountId, email: r.email },
    action: r.action,
    target: r.target,
    outcome: r.outcome as AuditOutcome,
    details: r.details,
  }));
  return { items, nextCursor: page.nextCursor };
}
