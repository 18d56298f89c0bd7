// The background checkpointer's thread (plain JavaScript: a worker thread does not inherit tsx's loader
// on Node 20). Its own connection moves the WAL's pages into the database file every `intervalMs`, so
// that copy and its fsync never run on the server's event loop. PASSIVE never waits for or blocks
// readers and writers. A checkpoint that catches up lets the next write start the WAL over only if no write
// was under way meanwhile, which under steady sends (one every few ms) is never: the WAL then grows for as
// long as they last (236 MB in 30 s at 200 sends/s), every commit appending to it. So a PASSIVE that caught up
// is followed by a RESTART, which (with no busy timeout) either finds the writer idle, copies the few frames
// committed since and makes the next write start the WAL over, or answers busy at once and is tried next tick.
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { createClient } from '@libsql/client';

/** @type {{ url: string, intervalMs: number }} */
const { url, intervalMs } = workerData;
// told to stop while it was starting: the database may be closed and its files gone, so never open it
if (parentPort && receiveMessageOnPort(parentPort)) process.exit(0);
const client = createClient({ url });

/** Frames below which the WAL is left to grow: starting it over would save nothing. */
const RESTART_FRAMES = 256;

const timer = setInterval(() => {
  // a failure (the file briefly locked by another process's TRUNCATE checkpoint) is retried next tick
  client
    .execute('PRAGMA wal_checkpoint(PASSIVE)')
    .then(({ rows: [r] }) => {
      if (r && r.busy === 0 && r.log >= RESTART_FRAMES && r.checkpointed === r.log) return client.execute('PRAGMA wal_checkpoint(RESTART)');
    })
    .catch(() => undefined);
}, intervalMs);

parentPort?.once('message', () => {
  clearInterval(timer);
  client.close();
  parentPort?.close();
});
