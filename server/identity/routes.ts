import { Hono } from 'hono';
import { entraScopes, entraSignInQuerySchema } from '../../shared/entra';
import { notFound } from '../core/errors';
import type { Deps } from '../deps';
import type { AppEnv } from '../http/env';
import { query } from '../http/validate';
import { entraSignInTarget } from './bindings';

/** HERALD_ENTRA_AUTHORITY_HOST, Microsoft's unless configured. */
export const entraAuthorityHost = (deps: Deps) => (deps.entraAuthorityHost ?? 'https://login.microsoftonline.com').replace(/\/+$/, '');

/** Sign-in with Microsoft Entra ID: what a client needs before it has any token. */
export const identityRoutes = (deps: Deps) =>
  new Hono<AppEnv>().get('/v1/auth/entra', query(entraSignInQuerySchema), async (c) => {
    const { tenant } = c.req.valid('query');
    const target = await entraSignInTarget(deps.database.db, tenant);
    if (!target) throw notFound('Entra tenant connected to Herald', tenant);
    return c.json({
      authority: `${entraAuthorityHost(deps)}/${target.entraTenantId}`,
      clientId: target.clientId,
      scopes: entraScopes(target.clientId),
    });
  });
