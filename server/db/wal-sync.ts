import { open, type FileHandle } from 'node:fs/promises';

/** Syncs one file: `walSyncer` coalesces calls to it, `keptOpen` is the real one. */
export interface WalSyncer {
  /** Resolves once everything written before the call is on disk. */
  sync(): Promise<void>;
  close(): void;
}

/**
 * Makes committed WAL frames durable off the event loop. The writer runs with `synchronous = NORMAL`,
 * so COMMIT only writes the frames to the WAL; this fdatasyncs the WAL file in libuv's thread pool,
 * which is exactly the sync SQLite's `synchronous = FULL` would do inside COMMIT, but without holding
 * every request while the disk answers. Commits that finish while a sync is running share the next
 * one (an fdatasync covers everything written to the file before it began).
 */
export function walSyncer(file: WalSyncer): WalSyncer {
  let running: Promise<void> | null = null;
  let next: Promise<void> | null = null;
  const sync = (): Promise<void> => {
    if (!running) return (running = file.sync().finally(() => (running = null)));
    return (next ??= running.then(settled, settled).then(() => {
      next = null;
      return sync();
    }));
  };
  return { sync, close: () => file.close() };
}

const settled = () => undefined;

/**
 * fdatasync through a handle opened on first use and kept: one thread-pool round trip per sync instead of
 * three. The handle stays valid while this process keeps the database open: SQLite deletes a WAL only when
 * its last connection closes, and a TRUNCATE checkpoint empties the same file.
 */
export function keptOpen(path: string): WalSyncer {
  let handle: Promise<FileHandle> | null = null;
  const drop = () => {
    const h = handle;
    handle = null;
    h?.then((f) => f.close()).catch(() => undefined);
  };
  return {
    async sync() {
      handle ??= open(path, 'r');
      try {
        await (await handle).datasync();
      } catch (error) {
        drop(); // the next sync opens the file afresh
        throw error;
      }
    },
    close: drop,
  };
}

/** Upper bounds, in seconds, of the buckets WAL sync durations are counted in (a Prometheus histogram's `le`). */
export const SYNC_BUCKETS = [0.0005, 0.001, 0.002, 0.003, 0.005, 0.0075, 0.01, 0.02, 0.05, 0.1, 0.25, 1] as const;

/** How long the WAL's fdatasyncs took, counted since the database opened (`GET /metrics` shows them). */
export interface SyncTimings {
  /** Syncs per bucket of SYNC_BUCKETS (each counted in the first bucket it fits), then those longer than the last. */
  readonly counts: number[];
  /** Seconds, all syncs together. */
  sum: number;
}

export const syncTimings = (): SyncTimings => ({ counts: new Array<number>(SYNC_BUCKETS.length + 1).fill(0), sum: 0 });

/**
 * Times each sync of `file` into `timings`: the disk's answer time as the durable commits meet it, which the sync a
 * 202 waits for can be compared with (a probe of the disk run at another moment may catch it quieter or busier).
 */
export function timed(file: WalSyncer, timings: SyncTimings): WalSyncer {
  return {
    async sync() {
      const started = performance.now();
      try {
        await file.sync();
      } finally {
        const seconds = (performance.now() - started) / 1000;
        const bucket = SYNC_BUCKETS.findIndex((le) => seconds <= le);
        timings.counts[bucket === -1 ? SYNC_BUCKETS.length : bucket]!++;
        timings.sum += seconds;
      }
    },
    close: () => file.close(),
  };
}
