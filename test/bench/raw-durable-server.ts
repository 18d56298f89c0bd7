/**
 * Child-process entry for the sending bench: the least a durable 202 can cost on this machine, to measure Herald's
 * device sends against. node:http on loopback, the JSON body parsed, then what one device send's commit does to
 * the disk (`argv[3]` bytes written to a file cycling over 16 MB, as the disk probe's are: cyclingWrites) made durable
 * by Herald's own fdatasync path (wal-sync.ts: in libuv's thread pool, coalesced), then a small JSON answer.
 * Reports its URL over IPC; exits when the parent does.
 */
import { closeSync, openSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { keptOpen, walSyncer } from '../../server/db/wal-sync';
import { cyclingWrites } from './disk-sync';

const file = process.argv[2]!;
const commitBytes = Number(process.argv[3]);
const fd = openSync(file, 'w');
const wal = walSyncer(keptOpen(file));
const writeCommit = cyclingWrites(fd, Buffer.alloc(commitBytes, 1));

const server = createServer((req, res) => {
  let text = '';
  req.setEncoding('utf8');
  req.on('data', (chunk: string) => (text += chunk));
  req.on('end', () => {
    const { deviceId } = JSON.parse(text) as { deviceId: string };
    writeCommit();
    void wal.sync().then(() => {
      const body = JSON.stringify({ deviceId, status: 'queued' });
      res.writeHead(202, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
  });
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.send!({ url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}` });
});
process.on('disconnect', () => {
  wal.close();
  closeSync(fd);
  rmSync(file, { force: true });
  process.exit(0);
});
