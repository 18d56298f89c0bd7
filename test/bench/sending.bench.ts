/**
 * Sending figures, against `herald serve` in its own process on a temporary database:
 * - a send to 25 groups reaching ~200,000 devices: time to the 202 (snapshot written), peak server RSS;
 * - device sends at 200 requests/s for 30 s over HTTP on loopback: latency percentiles, the p99 of the median of
 *   three runs, each printed beside the disk's own fdatasync latency measured right after it.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { filePath } from '../../server/db/file-url';
import { importDirectory } from '../helpers/directory';
import { generateDirectory, importBatches, deviceId } from '../helpers/directory-fixture';
import { apiClient } from '../helpers/herald';
import { spawnCompiledHerald } from './compiled-herald';
import { diskSyncLatency } from './disk-sync';
import { jsonPoster } from './http-load';
import { atRate } from './pace';
import type { Bench } from './run';
import { median, percentile } from './stats';

/** Device sends at `perSecond` for `seconds`, the i-th to `device(i)` (one device takes only 10 sends an hour). */
async function deviceSendLatency(
  post: ReturnType<typeof jsonPoster>['post'],
  perSecond: number,
  seconds: number,
  device: (i: number) => string,
) {
  const total = perSecond * seconds;
  const latencies: number[] = [];
  /** What each unexpected answer was (status and error code, or the client's error), and how many times. */
  const unexpected = new Map<string, number>();
  const note = (what: string) => unexpected.set(what, (unexpected.get(what) ?? 0) + 1);
  const start = performance.now();
  const inFlight: Promise<void>[] = [];
  await atRate(perSecond, total, (i) =>
    inFlight.push(
      (async () => {
        const t0 = performance.now();
        const res = await post('/v1/notifications', { title: 'Bench', body: `Device send ${i}`, deviceId: device(i) }).catch(
          (error: unknown) => {
            note(`client ${error instanceof Error ? ((error as { code?: string }).code ?? error.message) : String(error)}`);
            return null;
          },
        );
        latencies.push(performance.now() - t0);
        if (res && res.status !== 202 && res.status !== 400) note(`${res.status} ${/"code":"(\w+)"/.exec(res.body)?.[1] ?? ''}`.trim());
      })(),
    ),
  );
  await Promise.all(inFlight);
  latencies.sort((a, b) => a - b);
  const failures = [...unexpected].map(([what, n]) => `${n} x ${what}`).join(', ') || '0';
  return {
    total,
    failures,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: latencies.at(-1)!,
    achieved: total / ((performance.now() - start) / 1000),
  };
}

/** Timed 30-second runs of device sends. */
const DEVICE_RUNS = 3;

/** "With the dispatcher idle": an API-only server, as when workers run apart. */
const env = { HERALD_DISPATCHER: 'off' };

/** Imports the generated directory (100k users, 200k devices, 2k groups) through a server of its own. */
async function importedDirectory() {
  const { input, targetGroupIds } = generateDirectory({ users: 100_000, devices: 200_000, groups: 2_000 });
  // one device per enrolled mobile user is not enough for 200k reachable devices; give every device an owner
  for (const d of input.devices) d.enrolledByUserId ??= input.users[0]!.id;
  const loader = await spawnCompiledHerald(env);
  try {
    const api = apiClient(loader.url, loader.token!);
    const importStart = performance.now();
    for (const body of importBatches(input, 50_000)) await importDirectory(api, body);
    console.log(`(set-up: imported 100k users, 200k devices, 2k groups in ${((performance.now() - importStart) / 1000).toFixed(1)} s)`);
    return { token: loader.token!, dbUrl: loader.dbUrl, targetGroupIds, removeDatabase: loader.removeDatabase };
  } catch (error) {
    loader.removeDatabase();
    throw error;
  } finally {
    await loader.stop();
  }
}

function collectGarbage() {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

const bench: Bench = {
  name: 'sending',
  async run() {
    const { token, dbUrl, targetGroupIds, removeDatabase } = await importedDirectory();
    // the 300k generated objects are garbage now; collect them before measuring, so no major GC of
    // the load generator's own heap lands inside the latency figures
    collectGarbage();

    // The figures are the sending server's own, not the set-up's: a fresh process on the imported database.
    const server = await spawnCompiledHerald({ ...env, HERALD_DB_URL: dbUrl });
    const load = jsonPoster(server.url, token);
    try {
      const api = apiClient(server.url, token);
      const walMb = (file: string) => (existsSync(file) ? statSync(file).size / 1e6 : 0);
      const dbFile = filePath(dbUrl);
      // Warm-up at the measured rate, reported but not counted: a fresh process runs its first thousand or so
      // requests unoptimised (V8 has not compiled the hot paths yet) on cold SQLite caches, and queues behind them.
      const warm = await deviceSendLatency(load.post, 200, 5, (i) => deviceId(150_000 + i));
      console.log(
        `(warm-up: 5 s at 200/s: p50 ${warm.p50.toFixed(1)} ms, p99 ${warm.p99.toFixed(1)} ms; unexpected answers: ${warm.failures}; WAL ${walMb(`${dbFile}-wal`).toFixed(0)} MB)`,
      );
      // Several 30-second runs, each on devices of its own (a device takes 10 sends an hour), each followed by
      // the disk's own sync latency: the figure is the median run's p99, as the other benches report medians.
      const cpuBefore = server.cpuMs();
      const writtenBefore = server.writtenBytes();
      let ownUs = 0;
      const runs = [];
      for (let r = 0; r < DEVICE_RUNS; r++) {
        const ownBefore = process.cpuUsage();
        const run = await deviceSendLatency(load.post, 200, 30, (i) => deviceId(i * DEVICE_RUNS + r));
        const own = process.cpuUsage(ownBefore); // the load generator's, not the disk probe's that follows
        ownUs += own.user + own.system;
        const disk = await diskSyncLatency(dirname(dbFile));
        runs.push(run);
        console.log(
          `(run ${r + 1}: p50 ${run.p50.toFixed(1)} ms, p99 ${run.p99.toFixed(1)} ms, max ${run.max.toFixed(1)} ms, ${run.achieved.toFixed(0)} req/s, ` +
            `unexpected answers: ${run.failures}; this disk alone right after, a 32 KB write + fdatasync 200 times a second for 5 s: ` +
            `p50 ${disk.p50.toFixed(1)} ms, p99 ${disk.p99.toFixed(1)} ms, max ${disk.max.toFixed(1)} ms)`,
        );
      }
      const sends = runs.reduce((n, run) => n + run.total, 0);
      const cpuPerSend = (server.cpuMs() - cpuBefore) / sends;
      const writtenPerSend = (server.writtenBytes() - writtenBefore) / sends;
      console.log(`(load generator CPU ${(ownUs / 1000 / sends).toFixed(2)} ms per send; every durable send waits for one WAL fdatasync)`);
      console.log(
        `device sends at 200/s for 30 s, ${DEVICE_RUNS} runs: p99 ${median(runs.map((run) => run.p99)).toFixed(1)} ms in the median run (target < 15 ms) ` +
          `[runs ${runs.map((run) => run.p99.toFixed(1)).join(', ')}], median p50 ${median(runs.map((run) => run.p50)).toFixed(1)} ms; ` +
          `server CPU ${cpuPerSend.toFixed(2)} ms and ${(writtenPerSend / 1024).toFixed(0)} KB written (WAL and checkpoints) per send`,
      );

      let peak = server.rssMb();
      const sampler = setInterval(() => (peak = Math.max(peak, server.rssMb())), 20);
      const t0 = performance.now();
      const res = await api('POST', '/v1/notifications', { title: 'Bench', body: 'Everyone', groupIds: targetGroupIds });
      const ms = performance.now() - t0;
      clearInterval(sampler);
      peak = Math.max(peak, server.rssMb());
      if (res.status !== 202) throw new Error(`group send: ${res.status} ${JSON.stringify(res.body)}`);
      const a = res.body.audience;
      const skipped = Object.values(a.skipped as Record<string, number>).reduce((x, y) => x + y, 0);
      console.log(
        `group send to 25 groups: ${a.devices} devices queued + ${skipped} skipped (${a.users} users) accepted in ${ms.toFixed(0)} ms (target < 3000 ms); ` +
          `server RSS peak ${peak.toFixed(0)} MB (target < 400 MB)`,
      );
    } finally {
      load.close();
      await server.stop();
      removeDatabase();
    }
  },
};

export default bench;
