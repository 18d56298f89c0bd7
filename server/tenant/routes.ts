import { Hono } from 'hono';
import { tenantSettingsPatchSchema } from '../../shared/schemas';
import type { Deps } from '../deps';
import type { AppEnv } from '../http/env';
import { jsonBody } from '../http/validate';
import { authenticate } from '../rbac/authenticate';
import { requires, requiresWholeTenant } from '../rbac/requires';
import { readSettings, updateSettings } from './settings';

export const tenantRoutes = (deps: Deps) =>
  new Hono<AppEnv>()
    .use('/v1/tenant/*', authenticate(deps.database, deps.now))
    .get('/v1/tenant/settings', requires('Organization.Read'), async (c) => {
      return c.json(await readSettings(deps.database.db, c.var.principal.tenantId));
    })
    // quotas, content-free push and text retention apply to every group and device, so a scoped grant may not change them
    .patch(
      '/v1/tenant/settings',
      requiresWholeTenant('tenant settings apply to every group and device', 'Organization.Update'),
      jsonBody(tenantSettingsPatchSchema),
      async (c) => {
        return c.json(await updateSettings(deps.database, c.var.principal, c.req.valid('json'), deps.now()));
      },
    );
