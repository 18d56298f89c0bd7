import { startThread } from '../core/thread';

export interface Checkpointer {
  /** Settles once the thread has ended, its connection closed. */
  stop(): Promise<void>;
}

/** How often the checkpointer thread moves the WAL into the database file. */
const INTERVAL_MS = 1_000;
/** How long `stop` lets the thread end on its own before ending it. */
const STOP_GRACE_MS = 5_000;

/**
 * Starts the checkpointer thread for a database file (see checkpoint-worker.mjs). `onExit` runs if the
 * thread dies on its own, so the caller can hand checkpoints back to SQLite's automatic ones.
 */
export function startCheckpointer(url: string, onExit: () => void): Checkpointer {
  const worker = startThread(new URL('./checkpoint-worker.mjs', import.meta.url), { workerData: { url, intervalMs: INTERVAL_MS } });
  worker.unref();
  let stopping = false;
  worker.once('error', () => undefined);
  const exited = new Promise<void>((resolve) =>
    worker.once('exit', () => {
      if (!stopping) onExit();
      resolve();
    }),
  );
  return {
    stop() {
      stopping = true;
      worker.postMessage('stop');
      // A thread still starting (it can take seconds on a busy machine) would open the database after its owner closed
      // it, and create its files again in a directory being removed: wait for the thread to end, holding the process
      // open meanwhile, and end it outright if it takes too long.
      worker.ref();
      const timer = setTimeout(() => void worker.terminate(), STOP_GRACE_MS);
      return exited.finally(() => clearTimeout(timer));
    },
  };
}
