// The background checkpointer's thread (plain JavaScript: a worker thread does not inherit tsx's loader
// on Node 20). Its own connection moves the WAL's pages into the database file every `intervalMs`, so
// that copy and its fsync never run on the server's event loop. PASSIVE never waits for or blocks
// readers and writers; a checkpoint that catches up lets the next write start the WAL over, so it stays small.
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { createClient } from '@libsql/client';

/** @type {{ url: string, intervalMs: number }} */
const { url, intervalMs } = workerData;
// told to stop while it was starting: the database may be closed and its files gone, so never open it
if (parentPort && receiveMessageOnPort(parentPort)) process.exit(0);
const client = createClient({ url });

const timer = setInterval(() => {
  // a failure (the file briefly locked by another process's TRUNCATE checkpoint) is retried next tick
  client.execute('PRAGMA wal_checkpoint(PASSIVE)').catch(() => undefined);
}, intervalMs);

parentPort?.once('message', () => {
  clearInterval(timer);
  client.close();
  parentPort?.close();
});
