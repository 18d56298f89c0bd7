import { Hono, type Context, type MiddlewareHandler, type Next } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { requestId } from 'hono/request-id';
import { deniedAuditor } from './audit/denials';
import { wasAudited } from './audit/log';
import { auditRoutes } from './audit/routes';
import type { Deps } from './deps';
import { directoryRoutes, IMPORT_BODY_LIMIT } from './directory/routes';
import { deviceRoutes } from './device/routes';
import { bodyBytes, payloadTooLarge } from './http/body-bytes';
import type { AppEnv } from './http/env';
import { errorHandler, notFoundHandler } from './http/errors';
import { entraBindingFor } from './identity/bindings';
import { createEntraVerifier } from './identity/entra-token';
import { entraAuthorityHost, identityRoutes } from './identity/routes';
import { graphRoutes } from './graph/routes';
import { notificationRoutes } from './notifications/routes';
import { openApiRoutes } from './openapi/routes';
import { opsRoutes } from './ops/routes';
import { tenantRoutes } from './tenant/routes';
import { rbacRoutes } from './rbac/routes';
import { simulatorRoutes } from './simulator/routes';
import { templateRoutes } from './templates/routes';

const MB = 1024 * 1024;
/** Routes that take large bodies, with their own limit. */
const largeBodies: Record<string, number> = { '/v1/directory/import': IMPORT_BODY_LIMIT };
/**
 * Of those, the routes that read their body as bytes (`c.var.body`, or bodyBytes when it declared its length): a
 * chunked body is read here once, counted as it arrives, where Hono's bodyLimit would buffer it whole and the route
 * copy it again.
 */
const readAsBytes = new Set(['/v1/directory/import']);

const tooLarge = (limit: number) => () => {
  throw payloadTooLarge(limit);
};

/** Builds the Hono app from its dependencies; no module-level state. */
export function createApp(deps: Deps) {
  const app = new Hono<AppEnv>();
  app.use(requestId());
  const entraVerifier = createEntraVerifier({
    authorityHost: entraAuthorityHost(deps),
    bindingFor: (entraTenantId) => entraBindingFor(deps.database.db, entraTenantId),
  });
  app.use(async (c, next) => {
    c.set('entraVerifier', entraVerifier);
    await next();
  });
  app.use(async (c, next) => {
    const started = performance.now();
    await next();
    deps.log({
      level: 'info',
      requestId: c.get('requestId'),
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      ms: Math.round((performance.now() - started) * 10) / 10,
    });
  });
  const limiter = (limit: number, asBytes: boolean) => {
    const streamed: MiddlewareHandler<AppEnv> = asBytes
      ? async (c: Context<AppEnv>, next: Next) => {
          c.set('body', await bodyBytes(c.req.raw, limit));
          await next();
        }
      : bodyLimit({ maxSize: limit, onError: tooLarge(limit) });
    return (c: Context<AppEnv>, next: Next) => {
      // A declared length is checked from the header; only a chunked body is counted as it streams, by
      // Hono's bodyLimit (which builds the whole web Request to do so: ~10% of a small request's CPU).
      if (c.req.header('transfer-encoding') !== undefined) return streamed(c, next);
      const length = c.req.header('content-length');
      if (length !== undefined && Number(length) > limit) return tooLarge(limit)();
      return next();
    };
  };
  const limiters = new Map(Object.entries(largeBodies).map(([path, limit]) => [path, limiter(limit, readAsBytes.has(path))]));
  const defaultLimiter = limiter(MB, false);
  app.use((c, next) => (limiters.get(c.req.path) ?? defaultLimiter)(c, next));

  const auditDenied = deniedAuditor(deps.database);
  app.onError(
    errorHandler(async (error, c) => {
      const principal = c.get('principal');
      if (error.status !== 403 || !principal || wasAudited(error)) return;
      await auditDenied(
        {
          tenantId: principal.tenantId,
          actorAccountId: principal.accountId,
          action: `${c.req.method} ${c.req.routePath}`,
          target: c.req.path,
          outcome: 'denied',
          details: { message: error.message },
          at: deps.now(),
        },
        error.code,
      );
    }, deps.log),
  );
  app.notFound(notFoundHandler);

  if (deps.deviceSimulator) app.route('/', simulatorRoutes());
  return app
    .route('/', opsRoutes(deps))
    .route('/', openApiRoutes())
    .route('/', directoryRoutes(deps))
    .route('/', deviceRoutes(deps))
    .route('/', tenantRoutes(deps))
    .route('/', notificationRoutes(deps))
    .route('/', graphRoutes(deps))
    .route('/', rbacRoutes(deps))
    .route('/', templateRoutes(deps))
    .route('/', auditRoutes(deps))
    .route('/', identityRoutes(deps));
}

export type App = ReturnType<typeof createApp>;
