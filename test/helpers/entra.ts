import { randomUUID } from 'node:crypto';
import { startFakeEntra, type FakeEntra } from '../fakes/entra-id';
import { startSyncedHerald, type SyncedHerald } from './graph';
import { apiClient, type Api, type TestHerald } from './herald';

export interface EntraHerald {
  herald: TestHerald;
  entra: FakeEntra;
  /** The directory sync (and fake Graph) that proved the Entra tenant. */
  synced: SyncedHerald;
  /** An access token of a new user (its own oid and username) unless `claims` name them. */
  token(claims?: Record<string, unknown>): Promise<string>;
  /** A client signed in with `token(claims)`. */
  signedIn(claims?: Record<string, unknown>): Promise<Api>;
  close(): Promise<void>;
}

/**
 * Herald (real app over HTTP) whose first tenant is connected to the fake Entra ID's tenant and app registration,
 * and has synced once (from a fake Graph of that tenant, with an empty directory, through the same Entra host): that
 * sync proves the Entra tenant, so the fake's tokens sign in to it.
 */
export async function startEntraHerald(): Promise<EntraHerald> {
  const entra = await startFakeEntra();
  const synced = await startSyncedHerald({ entra });
  const { herald } = synced;
  await synced.connect();
  const sync = await synced.sync();
  if (sync.status !== 'succeeded') throw new Error(`the sync that proves the Entra tenant failed: ${JSON.stringify(sync.error)}`);
  const token = (claims: Record<string, unknown> = {}) => {
    const oid = randomUUID();
    return entra.sign({ oid, preferred_username: `user-${oid.slice(0, 8)}@contoso.example`, ...claims });
  };
  return {
    herald,
    entra,
    synced,
    token,
    signedIn: async (claims) => apiClient(herald.url, await token(claims)),
    async close() {
      await synced.close();
      await entra.close();
    },
  };
}
