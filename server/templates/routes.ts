import { Hono } from 'hono';
import { templateCreateSchema, templateListQuerySchema, templatePatchSchema } from '../../shared/templates';
import type { Deps } from '../deps';
import type { AppEnv } from '../http/env';
import { jsonBody, query, validId } from '../http/validate';
import { authenticate } from '../rbac/authenticate';
import { requires, requiresWholeTenant } from '../rbac/requires';
import { createTemplate, deleteTemplate, getTemplate, listTemplates, updateTemplate } from './templates';

/** A template serves every sender of the tenant, so changing one needs Organization.Update over the whole tenant. */
const managesTemplates = requiresWholeTenant('templates are shared by the whole tenant', 'Organization.Update');

export const templateRoutes = ({ database, now }: Deps) =>
  new Hono<AppEnv>()
    .use('/v1/templates/*', authenticate(database, now))
    .get('/v1/templates', requires('Organization.Read'), query(templateListQuerySchema), async (c) =>
      c.json(await listTemplates(database.db, c.var.principal.tenantId, c.req.valid('query'))),
    )
    .get('/v1/templates/:id', requires('Organization.Read'), validId, async (c) =>
      c.json(await getTemplate(database.db, c.var.principal.tenantId, c.req.valid('param').id)),
    )
    .post('/v1/templates', managesTemplates, jsonBody(templateCreateSchema), async (c) =>
      c.json(await createTemplate(database, c.var.principal, c.req.valid('json'), now()), 201),
    )
    .patch('/v1/templates/:id', managesTemplates, validId, jsonBody(templatePatchSchema), async (c) =>
      c.json(await updateTemplate(database, c.var.principal, c.req.valid('param').id, c.req.valid('json'), now())),
    )
    .delete('/v1/templates/:id', managesTemplates, validId, async (c) => {
      await deleteTemplate(database, c.var.principal, c.req.valid('param').id, now());
      return c.body(null, 204);
    });
