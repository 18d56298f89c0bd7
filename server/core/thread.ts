import { Worker, type WorkerOptions } from 'node:worker_threads';
import { threadEnv } from './thread-env';

/**
 * Starts one of Herald's worker threads, always with threadEnv(): Node would otherwise copy every variable of the
 * process into it, Herald's secrets among them. The only place the server constructs a Worker (a lint rule in
 * .dependency-cruiser.cjs keeps it so); a thread gets what it needs through its workerData.
 */
export const startThread = (entry: URL, options: Omit<WorkerOptions, 'env'> = {}): Worker =>
  new Worker(entry, { ...options, env: threadEnv() });
