import { sql } from 'drizzle-orm';
import type { Database, Tx } from '../db/client';
import { auditLog } from '../db/schema';

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
  const seq = sql<number>`(SELECT coalesce(max(${auditLog.seq}), 0) + 1 FROM ${auditLog} WHERE ${auditLog.tenantId} = ${entry.tenantId})`;
  await tx.insert(auditLog).values({ ...entry, seq, target: entry.target ?? null, details: entry.details ?? null });
}

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
