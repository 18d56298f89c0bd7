import type { Database } from './db/client';
import type { DirectorySyncService } from './directory/graph/service';
import type { DispatchMetrics } from './dispatch/metrics';

export type Logger = (entry: Record<string, unknown>) => void;

/** Everything the app needs from the outside; `main` wires real ones, tests their own. */
export interface Deps {
  database: Database;
  /** Epoch milliseconds; tests move it to cross quota windows and retention. */
  now: () => number;
  log: Logger;
  /** Called after a send commits queued deliveries, so a dispatcher can start at once. */
  onQueued?: () => void;
  /** What this process's dispatcher measured, for GET /metrics. */
  metrics?: DispatchMetrics;
  /** Directory sync from Microsoft Entra ID and Intune; shared with the process's automatic syncs. */
  directorySync?: DirectorySyncService;
}

export const jsonLogger: Logger = (entry) => process.stdout.write(JSON.stringify({ time: new Date().toISOString(), ...entry }) + '\n');
export const silentLogger: Logger = () => {};
/** The logger `HERALD_LOG` asks for. */
export const loggerFor = (setting: 'json' | 'silent'): Logger => (setting === 'silent' ? silentLogger : jsonLogger);
