/**
 * The disk's own answer time, printed beside figures that wait for it: writes of `bytes` followed by an
 * fdatasync, `perSecond` times a second, in a file beside the database. A durable send cannot answer
 * before such a sync, so a p99 here above the send's target means the disk, not Herald, set the figure.
 */
import { closeSync, fdatasyncSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { atRate } from './pace';
import { percentile } from './stats';

/**
 * Writes `block` to `fd` at the next place each call, starting over at the front after 16 MB, as a WAL that restarts
 * after each checkpoint reuses its file (the disk probe's writes, and the raw durable loop's commits).
 */
export function cyclingWrites(fd: number, block: Buffer): () => void {
  let offset = 0;
  return () => {
    writeSync(fd, block, 0, block.length, offset);
    offset = (offset + block.length) % (16 << 20);
  };
}

export async function diskSyncLatency(dir: string, seconds = 5, perSecond = 200, bytes = 32 * 1024) {
  const file = join(dir, 'disk-sync.probe');
  const fd = openSync(file, 'w');
  const block = Buffer.alloc(bytes, 1);
  const times: number[] = [];
  try {
    const write = cyclingWrites(fd, block);
    await atRate(perSecond, seconds * perSecond, () => {
      write();
      const t0 = performance.now();
      fdatasyncSync(fd);
      times.push(performance.now() - t0);
    });
  } finally {
    closeSync(fd);
    rmSync(file, { force: true });
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p99: percentile(times, 99), max: times.at(-1)! };
}
