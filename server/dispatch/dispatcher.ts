import type { Config } from '../config';
import { migrateDatabase, openDatabase, type Database } from '../db/client';
import { loggerFor, type Logger } from '../core/logger';
import { scheduleFromConfig } from '../directory/graph/schedule';
import { startScheduler } from '../notifications/scheduler';
import { DispatchMetrics } from './metrics';
import { startProviderThread } from './provider-thread';
import { createProviders, type ProvidersOptions } from './providers/registry';
import { startWorker, type Worker } from './worker';

export interface Dispatcher {
  worker: Worker;
  metrics: DispatchMetrics;
  /** One line per push service: real (where to) or simulated. */
  services: string[];
  /** Stops the scheduler and the worker (its batches in flight are recorded first), then closes the providers' connections. */
  close(): Promise<void>;
}

/**
 * The providers built once from configuration and a worker pushing through them: what `serve` and `worker` run.
 * Real push services are driven from a thread of their own (./provider-thread.ts) while this event loop claims and
 * records; the simulators, which have no network to drive, push here. `providerOptions` as for createProviders.
 */
export async function startDispatcher(
  config: Config,
  database: Database,
  log: Logger,
  providerOptions: ProvidersOptions = {},
): Promise<Dispatcher> {
  const providers = configuresPushService(config)
    ? await startProviderThread(config, log, providerOptions)
    : createProviders(config, log, providerOptions);
  const metrics = new DispatchMetrics();
  const worker = startWorker({ database, providers, now: Date.now, log, metrics, leaseMs: config.HERALD_DISPATCH_LEASE_MS });
  // scheduled sends (issue 15) fire here, so every process that pushes also fires them
  const scheduler = startScheduler({ database, now: Date.now, log, onQueued: worker.wake });
  return {
    worker,
    metrics,
    services: providers.describe(),
    async close() {
      await scheduler.stop();
      await worker.stop();
      await providers.close();
    },
  };
}

/** Whether any push service is configured (fully or not: a partial configuration fails in the thread as it would here). */
const configuresPushService = (config: Config) =>
  [
    config.HERALD_APNS_KEY_FILE,
    config.HERALD_APNS_KEY_ID,
    config.HERALD_APNS_TEAM_ID,
    config.HERALD_APNS_TOPIC,
    config.HERALD_FCM_SERVICE_ACCOUNT_FILE,
    config.HERALD_FCM_ORIGIN,
  ].some(Boolean);

/** `herald worker`: a dispatcher and the automatic directory syncs, one more process against the server's database. */
export async function startWorkerProcess(config: Config): Promise<Pick<Dispatcher, 'services' | 'close'>> {
  const database = openDatabase(config.HERALD_DB_URL, {
    authToken: config.HERALD_DB_AUTH_TOKEN,
    client: config.HERALD_DB_CLIENT,
    backgroundIo: true,
  });
  await migrateDatabase(database);
  const dispatcher = await startDispatcher(config, database, loggerFor(config.HERALD_LOG));
  const directorySyncs = scheduleFromConfig(config, database, loggerFor(config.HERALD_LOG));
  return {
    services: dispatcher.services,
    async close() {
      await Promise.all([dispatcher.close(), directorySyncs.stop()]);
      database.close();
    },
  };
}
