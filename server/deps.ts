import type { Database } from './db/client';
import type { DirectorySyncService } from './directory/graph/service';
import type { DispatchMetrics } from './dispatch/metrics';
import type { Logger } from './core/logger';

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
  /** Serve the device simulator page at /simulator. */
  deviceSimulator?: boolean;
  /** Directory sync from Microsoft Entra ID and Intune; shared with the process's automatic syncs. */
  directorySync?: DirectorySyncService;
  /** HERALD_ENTRA_AUTHORITY_HOST: where Entra ID access tokens are issued and their keys published (default Microsoft's). */
  entraAuthorityHost?: string;
}
