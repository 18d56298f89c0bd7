import { z } from 'zod';
import { pageLimit, timestamp } from './schemas';

export const auditOutcomes = ['success', 'denied', 'rejected', 'failed'] as const;
export type AuditOutcome = (typeof auditOutcomes)[number];

/** One entry of GET /v1/audit. */
export const auditItemSchema = z.strictObject({
  id: z.string(),
  at: timestamp,
  actor: z.strictObject({ accountId: z.string(), email: z.string().nullable() }).nullable(),
  action: z.string(),
  target: z.string().nullable(),
  outcome: z.enum(auditOutcomes),
  details: z.record(z.string(), z.unknown()).nullable(),
});
export type AuditItem = z.output<typeof auditItemSchema>;

/** `GET /v1/audit` query. */
export const auditQuerySchema = z
  .object({
    action: z.string().min(1).max(200).optional(),
    outcome: z.enum(auditOutcomes).optional(),
    cursor: z.string().max(200).optional(),
    limit: pageLimit,
  })
  .strict();
