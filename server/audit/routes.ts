import { Hono } from 'hono';
import { auditQuerySchema } from '../../shared/audit';
import type { Deps } from '../deps';
import type { AppEnv } from '../http/env';
import { query } from '../http/validate';
import { authenticate } from '../rbac/authenticate';
import { requiresWholeTenant } from '../rbac/requires';
import { listAudit } from './list';

export const auditRoutes = ({ database, now }: Deps) =>
  new Hono<AppEnv>()
    .use('/v1/audit/*', authenticate(database, now))
    // the log names every send's target and audience, every import and every role and token change: never filtered to a scope
    .get(
      '/v1/audit',
      requiresWholeTenant('the audit log covers every send, import, role and token change', 'Audit.Read'),
      query(auditQuerySchema),
      async (c) => c.json(await listAudit(database.db, c.var.principal.tenantId, c.req.valid('query'))),
    );
