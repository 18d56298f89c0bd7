import { getConnInfo } from '@hono/node-server/conninfo';
import { Hono } from 'hono';
import { entraScopes, entraSignInQuerySchema } from '../../shared/entra';
import { notFound } from '../core/errors';
import type { Deps } from '../deps';
import type { AppEnv } from '../http/env';
import { query } from '../http/validate';
import { entraSignInTarget } from './bindings';
import { addressKey, lookupLimiter } from './lookup-limit';

/** HERALD_ENTRA_AUTHORITY_HOST, Microsoft's unless configured. */
export const entraAuthorityHost = (deps: Pick<Deps, 'entraAuthorityHost'>) =>
  (deps.entraAuthorityHost ?? 'https://login.microsoftonline.com').replace(/\/+$/, '');

/** The client's address as the socket has it; none when the app is not served by Node (a test's app.request()). */
function remoteAddress(c: Parameters<typeof getConnInfo>[0]): string | undefined {
  try {
    return getConnInfo(c).remote.address;
  } catch {
    return undefined;
  }
}

/** Sign-in with Microsoft Entra ID: what a client needs before it has any token; limited per address (see lookup-limit.ts). */
export const identityRoutes = (deps: Deps) => {
  const limit = lookupLimiter();
  return new Hono<AppEnv>().get(
    '/v1/auth/entra',
    async (c, next) => {
      const address = addressKey(remoteAddress(c));
      limit.check(address, deps.now());
      await next();
      // only a lookup that found nothing counts: a sign-in that finds its tenant is never refused
      if (c.res.status !== 200) limit.miss(address, deps.now());
    },
    query(entraSignInQuerySchema),
    async (c) => {
      const { tenant } = c.req.valid('query');
      const target = await entraSignInTarget(deps.database.db, tenant);
      if (!target) throw notFound('Entra tenant connected to Herald', tenant);
      return c.json({
        authority: `${entraAuthorityHost(deps)}/${target.entraTenantId}`,
        clientId: target.clientId,
        scopes: entraScopes(target.clientId),
      });
    },
  );
};
