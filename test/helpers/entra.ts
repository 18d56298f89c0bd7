import { randomUUID } from 'node:crypto';
import { startFakeEntra, type FakeEntra } from '../fakes/entra-id';
import { apiClient, startTestHerald, type Api, type TestHerald } from './herald';
import { expectStatus } from './rbac';

export interface EntraHerald {
  herald: TestHerald;
  entra: FakeEntra;
  /** An access token of a new user (its own oid and username) unless `claims` name them. */
  token(claims?: Record<string, unknown>): Promise<string>;
  /** A client signed in with `token(claims)`. */
  signedIn(claims?: Record<string, unknown>): Promise<Api>;
  close(): Promise<void>;
}

/**
 * Herald (real app over HTTP) whose first tenant is connected to the fake Entra ID's tenant and app
 * registration, so the fake's tokens sign in to it. Sign-in needs no Graph: the connection's secret is unused.
 */
export async function startEntraHerald(): Promise<EntraHerald> {
  const entra = await startFakeEntra();
  const herald = await startTestHerald({ deps: { entraAuthorityHost: entra.origin } });
  expectStatus(
    await herald.admin.api('PUT', '/v1/directory/connection', {
      entraTenantId: entra.tenantId,
      clientId: entra.clientId,
      clientSecret: 'unused-by-sign-in',
    }),
    200,
  );
  const token = (claims: Record<string, unknown> = {}) => {
    const oid = randomUUID();
    return entra.sign({ oid, preferred_username: `user-${oid.slice(0, 8)}@contoso.example`, ...claims });
  };
  return {
    herald,
    entra,
    token,
    signedIn: async (claims) => apiClient(herald.url, await token(claims)),
    async close() {
      await herald.close();
      await entra.close();
    },
  };
}
