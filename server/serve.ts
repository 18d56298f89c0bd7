import { createApp } from './app';
import type { Config } from './config';
import { migrateDatabase, openDatabase, type Database } from './db/client';
import { tenants } from './db/schema';
import type { Deps } from './deps';
import { scheduleDirectorySyncs } from './directory/graph/schedule';
import { directorySyncFrom } from './directory/graph/service';
import { startDispatcher } from './dispatch/dispatcher';
import { pruneDeviceSends } from './notifications/quota';
import { eraseExpiredText } from './notifications/retention';
import { describeFailure, loggerFor } from './core/logger';
import { closeServer, listen } from './http/listen';
import { createTenant, type NewTenant } from './rbac/tenants';

export interface RunningServer {
  url: string;
  database: Database;
  /** Present when this start created the first tenant on an empty database. */
  bootstrap: NewTenant | null;
  /** One line per push service: real or simulated. */
  pushServices: string[];
  close(): Promise<void>;
}

/** Opens and migrates the database, creates the first tenant on an empty one, and listens. */
export async function startServer(config: Config): Promise<RunningServer> {
  const database = openDatabase(config.HERALD_DB_URL, {
    authToken: config.HERALD_DB_AUTH_TOKEN,
    client: config.HERALD_DB_CLIENT,
    backgroundIo: true,
  });
  await migrateDatabase(database);
  const log = loggerFor(config.HERALD_LOG);
  const dispatcher = config.HERALD_DISPATCHER === 'on' ? await startDispatcher(config, database, log) : null;
  const directorySync = directorySyncFrom(config, { database, now: Date.now, log });
  const deps: Deps = {
    database,
    now: Date.now,
    log,
    onQueued: dispatcher?.worker.wake,
    metrics: dispatcher?.metrics,
    deviceSimulator: config.HERALD_DEVICE_SIMULATOR === 'on',
    directorySync,
    entraAuthorityHost: config.HERALD_ENTRA_AUTHORITY_HOST,
  };
  const [anyTenant] = await database.db.select({ id: tenants.id }).from(tenants).limit(1);
  const bootstrap = anyTenant ? null : await createTenant(database, { name: 'Default', adminEmail: 'admin@localhost', now: deps.now() });
  const app = createApp(deps);
  const retention = every(
    60_000,
    async () => {
      await eraseExpiredText(database, deps.now());
      await pruneDeviceSends(database, deps.now());
    },
    deps,
  );
  // with the dispatcher off, background work (pushes, automatic directory syncs) is left to `herald worker`
  const directorySyncs = config.HERALD_DISPATCHER === 'on' ? scheduleDirectorySyncs(directorySync, log) : null;
  const server = await listen(app.fetch, config.HERALD_HOST, config.HERALD_PORT);
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.HERALD_PORT;
  return {
    url: `http://${config.HERALD_HOST}:${port}`,
    database,
    bootstrap,
    pushServices: dispatcher?.services ?? ['none in this process (HERALD_DISPATCHER=off): run `npm run herald -- worker` to push'],
    async close() {
      clearInterval(retention);
      await Promise.all([closeServer(server), dispatcher?.close(), directorySyncs?.stop(), directorySync.settled()]);
      database.close();
    },
  };
}

/** Runs `task` now and then every `ms`, logging (never throwing) its failures; the timer does not hold the process open. */
function every(ms: number, task: () => Promise<unknown>, { log }: Deps): NodeJS.Timeout {
  const run = () => void task().catch((error: unknown) => log({ level: 'error', msg: 'periodic task failed', ...describeFailure(error) }));
  run();
  return setInterval(run, ms).unref();
}
