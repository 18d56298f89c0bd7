import { sql } from 'drizzle-orm';
import type { Database, Tx } from '../db/client';
import { auditLog } from '../db/schema';
import { fixedStatement } from '../db/statement';

export interface AuditEntry {
  tenantId: string;
  actorAccountId: string | null;
  action: string;
  target?: string | null;
  outcome: 'success' | 'denied' | 'rejected' | 'failed';
  details?: Record<string, unknown>;
  at: number;
}

/**
 * Records an entry inside the caller's transaction, so it commits (or not) with the change it describes. It is
 * numbered after its tenant's last entry (one seek of audit_tenant_seq), never by a sequence shared with other tenants.
 */
export async function auditIn(tx: Tx, entry: AuditEntry): Promise<void> {
  const { tenantId, actorAccountId, action, outcome, at } = entry;
  await insertEntry.run(tx, {
    tenantId,
    actorAccountId,
    action,
    target: entry.target ?? null,
    outcome,
    details: entry.details ?? null,
    at,
  });
}

/** Every write audits: its insert is built once. */
const insertEntry = fixedStatement<Omit<Required<AuditEntry>, 'details'> & { details: AuditEntry['details'] | null }>((db) => {
  const tenantId = sql.placeholder('tenantId');
  const seq = sql<number>`(SELECT coalesce(max(${auditLog.seq}), 0) + 1 FROM ${auditLog} WHERE ${auditLog.tenantId} = ${tenantId})`;
  const value = (name: keyof AuditEntry) => sql.placeholder(name);
  return db.insert(auditLog).values({
    tenantId,
    seq,
    actorAccountId: value('actorAccountId'),
    action: value('action'),
    target: value('target'),
    outcome: value('outcome'),
    details: value('details'),
    at: value('at'),
  });
});

/** Records an entry on its own, for refusals that change nothing else. */
export function audit(database: Database, entry: AuditEntry): Promise<void> {
  return database.write((tx) => auditIn(tx, entry));
}

const audited = new WeakSet<Error>();

/** Marks an error whose refusal a service already recorded, so the app-wide 403 audit skips it. */
export function markAudited<E extends Error>(error: E): E {
  audited.add(error);
  return error;
}

export const wasAudited = (error: Error) => audited.has(error);
