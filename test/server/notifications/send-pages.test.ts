import { readFileSync, statSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { importDirectory, phone, user } from '../../helpers/directory';
import { startTestHerald, type TestHerald } from '../../helpers/herald';

let herald: TestHerald;

beforeAll(async () => {
  // no checkpointer thread: nothing else writes to the WAL or starts it over between the sends measured
  herald = await startTestHerald({ database: { backgroundIo: false } });
});
afterAll(() => herald.close());

/** Frames in the WAL: its 32-byte header, then each frame is a 24-byte header and one page. */
function walFrames(): number {
  const wal = `${herald.dbFile}-wal`;
  const pageSize = readFileSync(wal).readUInt32BE(8);
  return (statSync(wal).size - 32) / (pageSize + 24);
}

// Every page a send's commit changes is written to the WAL, fdatasynced before its 202 and copied into the database
// file by the next checkpoint: on a small database each B-tree a send inserts into is one page, so this counts them.
it('a single device send writes 11 pages: the notification (4), its delivery (4), its quota row (1) and its audit entry (2)', async () => {
  const { api } = herald.admin;
  await importDirectory(api, { users: [user('u1')], devices: [phone('d1', 'u1'), phone('d2', 'u1')] });
  const send = async (deviceId: string) => {
    const res = await api('POST', '/v1/notifications', { title: 'Restart', body: 'Restart your phone.', deviceId });
    expect(res.status).toBe(202);
  };
  await send('d1'); // the first send also notes the token's use
  const before = walFrames();
  await send('d2');
  expect(walFrames() - before).toBe(11);
});
