import type { Config } from '../../config';
import type { Database } from '../../db/client';
import type { Logger } from '../../core/logger';
import { describeFailure } from '../../core/logger';
import { directorySyncFrom, type DirectorySyncService } from './service';

/** How often a process looks for tenants whose automatic sync is due. */
const CHECK_EVERY_MS = 60_000;

/**
 * Starts each connected tenant's sync every `directorySyncMinutes`: now, then once a minute it checks
 * which are due. Several processes may do this on one database; each sync's claim lets one of them run it.
 * `stop` ends the checks and waits for the syncs this process started.
 */
export function scheduleDirectorySyncs(service: DirectorySyncService, log: Logger): { stop(): Promise<void> } {
  let checking: Promise<unknown> = Promise.resolve();
  const check = () => {
    checking = service
      .startDue()
      .catch((error: unknown) => log({ level: 'error', msg: 'starting due directory syncs failed', ...describeFailure(error) }));
  };
  check();
  const timer = setInterval(check, CHECK_EVERY_MS).unref();
  return {
    async stop() {
      clearInterval(timer);
      // a check under way may be about to start a sync
      await checking;
      await service.settled();
    },
  };
}

/** For `herald worker`: the automatic syncs of a process that serves no API. */
export function scheduleFromConfig(config: Config, database: Database, log: Logger) {
  return scheduleDirectorySyncs(directorySyncFrom(config, { database, now: Date.now, log }), log);
}
