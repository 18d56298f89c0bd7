import { Worker } from 'node:worker_threads';

export interface Checkpointer {
  stop(): void;
}

/** How often the checkpointer thread moves the WAL into the database file. */
const INTERVAL_MS = 1_000;

/**
 * Starts the checkpointer thread for a database file (see checkpoint-worker.mjs). `onExit` runs if the
 * thread dies on its own, so the caller can hand checkpoints back to SQLite's automatic ones.
 */
export function startCheckpointer(url: string, onExit: () => void): Checkpointer {
  const worker = new Worker(new URL('./checkpoint-worker.mjs', import.meta.url), { workerData: { url, intervalMs: INTERVAL_MS } });
  worker.unref();
  let stopping = false;
  worker.once('error', () => undefined);
  worker.once('exit', () => stopping || onExit());
  return {
    stop() {
      stopping = true;
      worker.postMessage('stop');
    },
  };
}
