import type { DirectorySync } from '../../shared/directory-sync';
import type { Logger } from '../../server/core/logger';
import type { Deps } from '../../server/deps';
import { createDirectorySync, type DirectorySyncOptions, type DirectorySyncService } from '../../server/directory/graph/service';
import { startFakeGraph, type FakeGraph, type FakeGraphOptions } from '../fakes/graph';
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
  fake: FakeGraph;
  service: DirectorySyncService;
  /** Every log entry Herald wrote, as JSON lines. */
  logs: string[];
  /** PUT /v1/directory/connection with the fake's app registration (or `secret`). */
  connect(secret?: string): Promise<unknown>;
  /** POST /v1/directory/sync (as the first tenant's admin unless `as` says), then the sync once it finished. */
  sync(body?: { full?: boolean }, as?: Api): Promise<DirectorySync>;
  close(): Promise<void>;
}

/** Herald (real app, HTTP, libSQL file) whose directory sync talks to a fake Entra ID + Graph over HTTPS; `deps` adds others. */
export async function startSyncedHerald(
  options: { fake?: FakeGraphOptions; sync?: DirectorySyncOptions; deps?: Partial<Deps> } = {},
): Promise<SyncedHerald> {
  const fake = await startFakeGraph(options.fake);
  const logs: string[] = [];
  const log: Logger = (entry) => logs.push(JSON.stringify(entry));
  const finished = new Map<string, Promise<DirectorySync>>();
  let service!: DirectorySyncService;
  const herald = await startTestHerald({
    deps: (base) => {
      const inner = createDirectorySync(
        { ...base, log },
        { authorityHost: fake.origin, graphBaseUrl: fake.origin, ca: fake.ca, ...options.sync },
      );
      // the syncs the API starts, so a test can await their end instead of polling
      service = {
        ...inner,
        async start(...args: Parameters<DirectorySyncService['start']>) {
          const started = await inner.start(...args);
          finished.set(started.sync.id, started.done);
          return started;
        },
      };
      return { ...options.deps, log, directorySync: service };
    },
  });
  const api = herald.admin.api;
  return {
    herald,
    fake,
    service,
    logs,
    connect: async (secret = fake.clientSecret) =>
      expectStatus(
        await api('PUT', '/v1/directory/connection', { entraTenantId: fake.entraTenantId, clientId: fake.clientId, clientSecret: secret }),
        200,
      ),
    async sync(body, as = api) {
      const accepted = expectStatus(await as('POST', '/v1/directory/sync', body), 202);
      return finished.get(accepted.id)!;
    },
    async close() {
      await herald.close();
      await fake.close();
    },
  };
}
