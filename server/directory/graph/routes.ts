import { Hono } from 'hono';
import { directoryConnectionSchema, directorySyncListQuerySchema, directorySyncRequestSchema } from '../../../shared/directory-sync';
import type { Deps } from '../../deps';
import type { AppEnv } from '../../http/env';
import { jsonBody, parseOr400, query, readJson, validId } from '../../http/validate';
import { requires, requiresWholeTenant } from '../../rbac/requires';
import { createDirectorySync } from './service';
import { directoryStatus } from './status';

const WHY = 'the directory connection and its syncs cover the whole tenant';

/** The connection to Microsoft Entra ID and the syncs; mounted below `/v1/directory/*`, which authenticates. */
export function directorySyncRoutes(deps: Deps) {
  const service = deps.directorySync ?? createDirectorySync(deps);
  const change = (c: { var: AppEnv['Variables'] }) => ({
    tenantId: c.var.principal.tenantId,
    actorAccountId: c.var.principal.accountId,
    now: deps.now(),
  });
  return new Hono<AppEnv>()
    .put('/v1/directory/connection', requiresWholeTenant(WHY, 'Organization.Update'), jsonBody(directoryConnectionSchema), async (c) =>
      c.json(await service.putConnection(change(c), c.req.valid('json'))),
    )
    .get('/v1/directory/connection', requires('Organization.Read'), async (c) =>
      c.json(await service.getConnection(c.var.principal.tenantId)),
    )
    .delete('/v1/directory/connection', requiresWholeTenant(WHY, 'Organization.Update'), async (c) => {
      await service.deleteConnection(change(c));
      return c.body(null, 204);
    })
    .post('/v1/directory/sync', requiresWholeTenant(WHY, 'Organization.Update'), async (c) => {
      // the body is optional: none starts the kind of sync due (incremental once there are delta links)
      const hasBody =
        c.req.header('content-length') !== undefined
          ? c.req.header('content-length') !== '0'
          : c.req.header('transfer-encoding') !== undefined;
      const request = parseOr400(directorySyncRequestSchema, hasBody ? await readJson(c) : {});
      const started = await service.start(c.var.principal.tenantId, c.var.principal.accountId, request);
      return c.json({ id: started.sync.id, status: started.sync.status, kind: started.sync.kind }, 202);
    })
    .get('/v1/directory/status', requires('Organization.Read'), async (c) =>
      c.json(await directoryStatus(deps.database.db, c.var.principal.tenantId)),
    )
    .get('/v1/directory/syncs', requires('Organization.Read'), query(directorySyncListQuerySchema), async (c) =>
      c.json({ items: await service.list(c.var.principal.tenantId, c.req.valid('query').limit) }),
    )
    .get('/v1/directory/syncs/:id', requires('Organization.Read'), validId, async (c) =>
      c.json(await service.get(c.var.principal.tenantId, c.req.valid('param').id)),
    );
}
