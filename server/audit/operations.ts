import { auditItemSchema, auditQuerySchema } from '../../shared/audit';
import { pageOf } from '../../shared/schemas';
import { answer, type Operations } from '../core/operation';

/** The routes of ./routes.ts, as `/openapi.json` describes them. */
export const auditOperations: Operations = {
  'GET /v1/audit': {
    summary: 'The audit log, newest first',
    permission: 'Audit.Read',
    query: auditQuerySchema,
    responses: { 200: answer('A page of entries', pageOf(auditItemSchema)) },
  },
};
