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
