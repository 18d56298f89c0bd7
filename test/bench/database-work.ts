/**
 * The big send's and the preview's database work alone, as a same-minute yardstick for the figures the server gives
 * over HTTP: Herald's own functions (snapshotAudience, which the send's transaction calls, and summarizeAudience, which
 * a group preview calls) run in the bench's process on the server's database file, with no HTTP, no permission or quota
 * checks, no notification row and no durable commit: each snapshot is rolled back, so the send finds the database as
 * it was. This machine's speed changes by half from one minute to the next (the same send took 710 ms of CPU in one
 * run and 1,230 ms in another), so a target in milliseconds is read beside what the statements alone took at that
 * moment. It tells the minute's speed, not Herald's own overhead: measured seconds apart in another process, its runs
 * spread as well (687-728 ms in one bench, 769-970 ms in another), and the send came out 0.98-1.35x it over four.
 */
import { openDatabase } from '../../server/db/client';
import { tenants } from '../../server/db/schema';
import { summarizeAudience } from '../../server/directory/audience';
import { snapshotAudience } from '../../server/notifications/send';
import { median } from './stats';

/** Thrown once a snapshot is timed, so that its write rolls back. */
class RolledBack extends Error {}

export async function databaseWorkAlone(dbUrl: string, groupIds: string[], runs: { snapshots: number; summaries: number }) {
  const database = openDatabase(dbUrl);
  try {
    const [tenant] = await database.db.select({ id: tenants.id }).from(tenants);
    if (!tenant) throw new Error('The bench database has no tenant.');
    const target = { type: 'groups', groupIds } as const;
    const snapshots: number[] = [];
    for (let i = 0; i < runs.snapshots; i++) {
      const started = performance.now();
      await database
        .write(async (tx) => {
          await snapshotAudience(tx, tenant.id, `bench-rolled-back-${i}`, target, {}, Date.now());
          snapshots.push(performance.now() - started);
          throw new RolledBack();
        })
        .catch((error: unknown) => {
          if (!(error instanceof RolledBack)) throw error;
        });
    }
    const summaries: number[] = [];
    for (let i = 0; i < runs.summaries; i++) {
      const started = performance.now();
      await summarizeAudience(database.db, tenant.id, groupIds);
      summaries.push(performance.now() - started);
    }
    const line = (times: number[]) => `median ${median(times).toFixed(0)} ms [${times.map((t) => t.toFixed(0)).join(', ')}]`;
    return { snapshot: median(snapshots), snapshots: line(snapshots), summary: median(summaries), summaries: line(summaries) };
  } finally {
    await database.close();
  }
}
