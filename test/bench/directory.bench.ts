/**
 * Directory figures, against `herald serve` in its own process on a temporary database file:
 * - one POST /v1/directory/import of 50,000 users, 100,000 devices and 2,000 groups (target < 15 s);
 * - the audience expansion of 25 groups nested 6 deep over 100,000 users and 200,000 devices
 *   (imported first in several calls), median of 15 runs (target < 300 ms).
 */
import { sql } from 'drizzle-orm';
import { openDatabase } from '../../server/db/client';
import { audienceSelect, summarizeAudience } from '../../server/directory/audience';
import { generateDirectory, importBatches } from '../helpers/directory-fixture';
import { spawnCompiledHerald } from './compiled-herald';
import type { Bench } from './run';
import { median } from './stats';
import { judge } from './targets';

const RUNS = 15;

async function postImport(url: string, token: string, body: string): Promise<number> {
  const t0 = performance.now();
  const res = await fetch(`${url}/v1/directory/import`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body,
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`import: ${res.status} ${text.slice(0, 500)}`);
  return performance.now() - t0;
}

/** The median time of `runs` calls of `fn`, after one to warm up (statement preparation and page cache). */
async function medianMs(runs: number, fn: () => Promise<unknown>): Promise<number> {
  await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  return median(times);
}

const bench: Bench = {
  name: 'directory',
  async run() {
    const server = await spawnCompiledHerald();
    try {
      const token = server.token!;
      const small = generateDirectory({ users: 50_000, devices: 100_000, groups: 2_000 });
      const body = JSON.stringify(small.input);
      const memberships = small.input.groups.reduce((n, g) => n + (g.members?.length ?? 0), 0);
      const importMs = await postImport(server.url, token, body);
      console.log(
        `import of 50,000 users, 100,000 devices, 2,000 groups (${memberships.toLocaleString('en')} memberships, ${(body.length / 1e6).toFixed(0)} MB) ` +
          `in one call: ${(importMs / 1000).toFixed(2)} s (target < 15 s: ${judge('one-call import of 50,000 users, 100,000 devices, 2,000 groups < 15 s', `${(importMs / 1000).toFixed(2)} s`, importMs < 15_000)})`,
      );

      // The bigger directory reuses the same ids, so these calls upsert over the first import.
      const big = generateDirectory({ users: 100_000, devices: 200_000, groups: 2_000 });
      const batches = importBatches(big.input, 50_000);
      let bigMs = 0;
      for (const batch of batches) bigMs += await postImport(server.url, token, JSON.stringify(batch));
      console.log(
        `import of 100,000 users, 200,000 devices, 2,000 groups over it in ${batches.length} calls: ${(bigMs / 1000).toFixed(2)} s`,
      );

      const database = openDatabase(server.dbUrl);
      try {
        const [tenant] = await database.db.all<{ id: string }>(sql`SELECT id FROM tenants`);
        const tenantId = tenant!.id;
        const summary = await summarizeAudience(database.db, tenantId, big.targetGroupIds);
        const summaryMs = await medianMs(RUNS, () => summarizeAudience(database.db, tenantId, big.targetGroupIds));
        console.log(
          `audience expansion of 25 groups nested 6 deep over 100,000 users / 200,000 devices (summary): median ${summaryMs.toFixed(0)} ms of ${RUNS} (target < 300 ms: ${judge('audience summary over 200,000 devices < 300 ms', `${summaryMs.toFixed(0)} ms`, summaryMs < 300)}); ` +
            `${summary.users} users, ${summary.devices} reachable devices, skipped ${JSON.stringify(summary.skipped)}`,
        );
        const orderedMs = await medianMs(RUNS, () =>
          database.db.all(sql`SELECT count(*) AS n FROM (${audienceSelect(tenantId, big.targetGroupIds)})`),
        );
        console.log(
          `audienceSelect (every device row with its skip reason, ORDER BY device_id), counted in SQL: median ${orderedMs.toFixed(0)} ms of ${RUNS}`,
        );
      } finally {
        database.close();
      }
    } finally {
      await server.stop();
      server.removeDatabase();
    }
  },
};

export default bench;
