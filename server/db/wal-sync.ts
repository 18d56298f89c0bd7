import { open } from 'node:fs/promises';

/**
 * Makes committed WAL frames durable off the event loop. The writer runs with `synchronous = NORMAL`,
 * so COMMIT only writes the frames to the WAL; this fdatasyncs the WAL file in libuv's thread pool,
 * which is exactly the sync SQLite's `synchronous = FULL` would do inside COMMIT, but without holding
 * every request while the disk answers. Commits that finish while a sync is running share the next
 * one (an fdatasync covers everything written to the file before it began).
 */
export function walSyncer(walPath: string, syncOnce = () => datasync(walPath)): () => Promise<void> {
  let running: Promise<void> | null = null;
  let next: Promise<void> | null = null;
  const sync = (): Promise<void> => {
    if (!running) return (running = syncOnce().finally(() => (running = null)));
    return (next ??= running.then(settled, settled).then(() => {
      next = null;
      return sync();
    }));
  };
  return sync;
}

const settled = () => undefined;

async function datasync(path: string) {
  // opened each time: a handle kept open would go on syncing a WAL that had been deleted and recreated
  const file = await open(path, 'r');
  try {
    await file.datasync();
  } finally {
    await file.close();
  }
}
