import type { DirectorySync } from '../../shared/directory-sync';
import type { Logger } from '../../server/core/logger';
import type { Deps } from '../../server/deps';
import { createDirectorySync, type DirectorySyncOptions, type DirectorySyncService } from '../../server/directory/graph/service';
import { startFakeEntra, type FakeEntra, type FakeEntraOptions } from '../fakes/entra-id';
import { startFakeGraph, type FakeGraph, type FakeGraphOptions } from '../fakes/graph';
import type { TestTls } from '../fakes/tls';
import { startTestHerald, type Api, type TestHerald } from './herald';
import { expectStatus } from './rbac';

/** A user as the fake Graph lists it. */
export const fakeUser = (id: string) => ({ id, userPrincipalName: `${id}@contoso.example`, displayName: `User ${id}` });

/** A managed iPhone as the fake Intune lists it, enrolled by `userId`. */
export const managedIphone = (id: string, userId: string | null, overrides = {}) => ({
  id,
  deviceName: `${id} iPhone`,
  operatingSystem: 'iOS',
  userId,
  managementState: 'managed',
  serialNumber: `SN-${id}`,
  ...overrides,
});

export interface SyncedHerald {
  herald: TestHerald;
  /** The Entra ID tenant and app registration the connection signs in as. */
  entra: FakeEntra;
  /** That tenant's Graph. */
  fake: FakeGraph;
  service: DirectorySyncService;
  /** Every log entry Herald wrote, as JSON lines. */
  logs: string[];
  /** PUT /v1/directory/connection with the fake Entra's app registration (or `secret`). */
  connect(secret?: string): Promise<unknown>;
  /** POST /v1/directory/sync (as the first tenant's admin unless `as` says), then the sync once it finished. */
  sync(body?: { full?: boolean }, as?: Api): Promise<DirectorySync>;
  close(): Promise<void>;
}

/**
 * Herald (real app, HTTP, libSQL file) whose directory sync talks to a fake Entra ID and its Graph over HTTPS, both
 * trusted the production way (NODE_EXTRA_CA_CERTS) and reached as production does: the Entra host serves the
 * connection's tokens and the sign-ins alike. `entra` is an Entra ID already started (closed by the caller); `deps` adds others.
 */
export async function startSyncedHerald(
  options: {
    entra?: FakeEntra;
    app?: FakeEntraOptions['app'];
    /** Both fakes' certificate (default: the one every test process trusts). */
    tls?: TestTls;
    fake?: FakeGraphOptions;
    sync?: DirectorySyncOptions;
    deps?: Partial<Deps>;
  } = {},
): Promise<SyncedHerald> {
  const entra = options.entra ?? (await startFakeEntra({ app: options.app, tls: options.tls }));
  const fake = await startFakeGraph(entra, { tls: options.tls, ...options.fake });
  const logs: string[] = [];
  const log: Logger = (entry) => logs.push(JSON.stringify(entry));
  const finished = new Map<string, Promise<DirectorySync>>();
  let service!: DirectorySyncService;
  const herald = await startTestHerald({
    deps: (base) => {
      const inner = createDirectorySync({ ...base, log }, { authorityHost: entra.origin, graphBaseUrl: fake.origin, ...options.sync });
      // the syncs the API starts, so a test can await their end instead of polling
      service = {
        ...inner,
        async start(...args: Parameters<DirectorySyncService['start']>) {
          const started = await inner.start(...args);
          finished.set(started.sync.id, started.done);
          return started;
        },
      };
      return { entraAuthorityHost: entra.origin, ...options.deps, log, directorySync: service };
    },
  });
  const api = herald.admin.api;
  return {
    herald,
    entra,
    fake,
    service,
    logs,
    connect: async (secret = entra.app.clientSecret) =>
      expectStatus(
        await api('PUT', '/v1/directory/connection', { entraTenantId: entra.tenantId, clientId: entra.clientId, clientSecret: secret }),
        200,
      ),
    async sync(body, as = api) {
      const accepted = expectStatus(await as('POST', '/v1/directory/sync', body), 202);
      return finished.get(accepted.id)!;
    },
    async close() {
      await herald.close();
      await fake.close();
      if (!options.entra) await entra.close();
    },
  };
}
