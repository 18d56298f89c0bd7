import { type Context, Hono } from 'hono';
import { type DirectoryImport, directoryListQuerySchema } from '../../shared/directory';
import type { Permission } from '../../shared/permissions';
import type { Deps } from '../deps';
import type { AppEnv } from '../http/env';
import { assertJsonContentType, query, validId } from '../http/validate';
import { authenticate } from '../rbac/authenticate';
import { requiresWholeTenant } from '../rbac/requires';
import { requirePermission } from '../rbac/scope';
import { directorySyncRoutes } from './graph/routes';
import { importDirectory } from './import';
import { parseImportBody } from './import-body';
import { bodyBytes } from '../http/body-bytes';
import { deleteDirectoryObject, getDirectoryObject, listDirectory, type DirectoryKind } from './queries';

/** `GET /v1/{kind}`, `GET /v1/{kind}/{id}` and `DELETE /v1/{kind}/{id}` for one kind of directory object. */
function kindRoutes({ database, now }: Deps, kind: DirectoryKind, read: Permission, update: Permission) {
  const auth = authenticate(database, now);
  // Exactly these paths: other features add their own routes below /v1/devices/{id}/.
  return new Hono<AppEnv>()
    .use(`/v1/${kind}`, auth)
    .use(`/v1/${kind}/:id`, auth)
    .get(`/v1/${kind}`, query(directoryListQuerySchema), async (c) => {
      const principal = c.var.principal;
      const reach = requirePermission(principal, read);
      return c.json(await listDirectory(database.db, kind, principal.tenantId, reach, c.req.valid('query')));
    })
    .get(`/v1/${kind}/:id`, validId, async (c) => {
      const principal = c.var.principal;
      const reach = requirePermission(principal, read);
      const { id } = c.req.valid('param');
      return c.json(await getDirectoryObject(database.db, kind, principal.tenantId, reach, id));
    })
    .delete(`/v1/${kind}/:id`, validId, async (c) => {
      const principal = c.var.principal;
      const reach = requirePermission(principal, update);
      const { id } = c.req.valid('param');
      await deleteDirectoryObject(database, kind, {
        tenantId: principal.tenantId,
        actorAccountId: principal.accountId,
        reach,
        permission: update,
        id,
        now: now(),
      });
      return c.body(null, 204);
    });
}

/** The largest `POST /v1/directory/import` body, in bytes. */
export const IMPORT_BODY_LIMIT = 100 * 1024 * 1024;

/**
 * The import's body, read one object at a time from its bytes (import-body.ts), not parsed whole as jsonBody would.
 * Read in a frame of its own, which is gone once it returns: the handler's, suspended while the import runs, would
 * keep the bytes (12-15 MB for 50,000 devices) out of reach of the collection importDirectory makes before it writes.
 */
async function importBody(c: Context<AppEnv>): Promise<DirectoryImport> {
  const bytes = c.var.body ?? (await bodyBytes(c.req.raw, IMPORT_BODY_LIMIT));
  c.set('body', undefined);
  return parseImportBody(bytes);
}

export const directoryRoutes = (deps: Deps) =>
  new Hono<AppEnv>()
    .use('/v1/directory/*', authenticate(deps.database, deps.now))
    .post(
      '/v1/directory/import',
      requiresWholeTenant('a role assignment scoped to groups does not cover an import', 'Organization.Update', 'ManagedDevices.Update'),
      async (c) => {
        const principal = c.var.principal;
        assertJsonContentType(c.req.header('content-type'));
        const input = await importBody(c);
        const counts = await importDirectory(deps.database, {
          tenantId: principal.tenantId,
          actorAccountId: principal.accountId,
          input,
          now: deps.now(),
        });
        return c.json(counts);
      },
    )
    .route('/', directorySyncRoutes(deps))
    .route('/', kindRoutes(deps, 'users', 'Organization.Read', 'Organization.Update'))
    .route('/', kindRoutes(deps, 'groups', 'Organization.Read', 'Organization.Update'))
    .route('/', kindRoutes(deps, 'devices', 'ManagedDevices.Read', 'ManagedDevices.Update'));
