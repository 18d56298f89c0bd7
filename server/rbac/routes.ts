import { Hono } from 'hono';
import { accountCreateSchema, roleAssignmentCreateSchema, roleCreateSchema, roleUpdateSchema, tokenCreateSchema } from '../../shared/rbac';
import type { Deps } from '../deps';
import type { AppEnv } from '../http/env';
import { jsonBody, validId } from '../http/validate';
import { createAccount, getAccount, listAccounts } from './accounts';
import { createAssignment, deleteAssignment, listAssignments } from './assignments';
import { authenticate } from './authenticate';
import { describeMe } from './me';
import { requiresWholeTenant } from './requires';
import { createRole, deleteRole, getRole, listRoles, updateRole } from './roles';
import { createToken, listTokens, revokeToken } from './tokens';

/** Changing roles, assignments, accounts or tokens can widen any scope, so it needs Roles.Update over the whole tenant. */
const updatesRoles = requiresWholeTenant('an assignment scoped to groups is not enough', 'Roles.Update');
/** Roles, assignments, accounts and tokens belong to no group: reading them needs Roles.Read over the whole tenant too. */
const readsRoles = requiresWholeTenant('roles, assignments, accounts and tokens cover the whole tenant', 'Roles.Read');

export const rbacRoutes = ({ database, now }: Deps) => {
  const auth = authenticate(database, now);
  const { db } = database;
  return new Hono<AppEnv>()
    .use('/v1/me', auth)
    .use('/v1/roles/*', auth)
    .use('/v1/roleAssignments/*', auth)
    .use('/v1/accounts/*', auth)
    .use('/v1/tokens/*', auth)
    .get('/v1/me', async (c) => c.json(await describeMe(db, c.var.principal)))

    .get('/v1/roles', readsRoles, async (c) => c.json({ items: await listRoles(db, c.var.principal.tenantId) }))
    .get('/v1/roles/:id', readsRoles, validId, async (c) => c.json(await getRole(db, c.var.principal.tenantId, c.req.valid('param').id)))
    .post('/v1/roles', updatesRoles, jsonBody(roleCreateSchema), async (c) =>
      c.json(await createRole(database, c.var.principal, c.req.valid('json'), now()), 201),
    )
    .patch('/v1/roles/:id', updatesRoles, validId, jsonBody(roleUpdateSchema), async (c) =>
      c.json(await updateRole(database, c.var.principal, c.req.valid('param').id, c.req.valid('json'), now())),
    )
    .delete('/v1/roles/:id', updatesRoles, validId, async (c) => {
      await deleteRole(database, c.var.principal, c.req.valid('param').id, now());
      return c.body(null, 204);
    })

    .get('/v1/roleAssignments', readsRoles, async (c) => c.json({ items: await listAssignments(db, c.var.principal.tenantId) }))
    .post('/v1/roleAssignments', updatesRoles, jsonBody(roleAssignmentCreateSchema), async (c) =>
      c.json(await createAssignment(database, c.var.principal, c.req.valid('json'), now()), 201),
    )
    .delete('/v1/roleAssignments/:id', updatesRoles, validId, async (c) => {
      await deleteAssignment(database, c.var.principal, c.req.valid('param').id, now());
      return c.body(null, 204);
    })

    .get('/v1/accounts', readsRoles, async (c) => c.json({ items: await listAccounts(db, c.var.principal.tenantId) }))
    .get('/v1/accounts/:id', readsRoles, validId, async (c) =>
      c.json(await getAccount(db, c.var.principal.tenantId, c.req.valid('param').id)),
    )
    .post('/v1/accounts', updatesRoles, jsonBody(accountCreateSchema), async (c) =>
      c.json(await createAccount(database, c.var.principal, c.req.valid('json'), now()), 201),
    )
    .get('/v1/accounts/:id/tokens', readsRoles, validId, async (c) =>
      c.json({ items: await listTokens(db, c.var.principal.tenantId, c.req.valid('param').id) }),
    )
    .post('/v1/accounts/:id/tokens', updatesRoles, validId, jsonBody(tokenCreateSchema), async (c) => {
      const { tenantId, accountId } = c.var.principal;
      const token = await createToken(database, {
        tenantId,
        actorAccountId: accountId,
        accountId: c.req.valid('param').id,
        name: c.req.valid('json').name,
        now: now(),
      });
      return c.json(token, 201);
    })
    .delete('/v1/tokens/:id', updatesRoles, validId, async (c) => {
      const { tenantId, accountId } = c.var.principal;
      await revokeToken(database, { tenantId, actorAccountId: accountId, tokenId: c.req.valid('param').id, now: now() });
      return c.body(null, 204);
    });
};
