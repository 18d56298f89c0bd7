export const auditOutcomes = ['success', 'denied', 'rejected', 'failed'] as const;
export type AuditOutcome = (typeof auditOutcomes)[number];

/** One entry of GET /v1/audit. */
export interface AuditItem {
  id: string;
  at: string;
  actor: { accountId: string; email: string | null } | null;
  action: string;
  target: string | null;
  outcome: AuditOutcome;
  details: Record<string, unknown> | null;
}
