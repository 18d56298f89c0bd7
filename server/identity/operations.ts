import { entraSignInQuerySchema, entraSignInSchema } from '../../shared/entra';
import { answer, failure, type Operations } from '../core/operation';

/** The routes of ./routes.ts, as `/openapi.json` describes them. */
export const identityOperations: Operations = {
  'GET /v1/auth/entra': {
    summary: 'What a client needs to sign in with Microsoft Entra ID to the Herald tenant connected to an Entra tenant (no token needed)',
    auth: 'none',
    query: entraSignInQuerySchema,
    responses: {
      200: answer('The authority, app registration and scopes to ask for', entraSignInSchema),
      404: failure('No Herald tenant is connected to that Entra tenant id or verified domain'),
      429: failure('Too many lookups from this address within a minute (with Retry-After)'),
    },
  },
};
