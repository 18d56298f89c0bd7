/**
 * Sending figures, against `herald serve` in its own process on a temporary database, which first imports
 * 100,000 users, 200,000 devices and 2,000 groups itself:
 * - a send to 25 groups reaching ~200,000 devices: time to the 202 (snapshot written), the server's peak RSS over
 *   the import and the send, its RSS after the send, and where that memory is;
 * - the preview of that send's target (the audience expansion), median of several;
 * - the same database work alone (database-work.ts), in this process just before the send, to read those two against;
 * - device sends at 200 requests/s for 30 s over HTTP on loopback: latency percentiles, the p99 of the median of
 *   three runs, each printed beside the disk's own fdatasync latency measured right after it.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { collectGarbage } from '../../server/core/memory';
import { filePath } from '../../server/db/file-url';
import { importDirectory } from '../helpers/directory';
import { generateDirectory, importBatches } from '../helpers/directory-fixture';
import { apiClient } from '../helpers/herald';
import type { HeraldProcess } from '../helpers/process';
import { spawnCompiledHerald } from './compiled-herald';
import { diskSyncLatency } from './disk-sync';
import type { LoadRequest, LoadRun } from './device-send-load';
import type { Bench } from './run';
import { asker, forkReady, stopChild } from './child';
import { databaseWorkAlone } from './database-work';
import { median } from './stats';
import { judge } from './targets';

/** The load generator in its own process (device-send-load.ts): `run` sends a run of device sends and answers its figures. */
async function startLoadGenerator() {
  const name = 'the load generator';
  const { child } = await forkReady<{ ready: true }>(new URL('./device-send-load.ts', import.meta.url), name);
  const ask = asker<LoadRun>(child, name);
  return { run: (request: LoadRequest) => ask(request), stop: () => stopChild(child) };
}

type LoadGenerator = Awaited<ReturnType<typeof startLoadGenerator>>;

/** Timed 30-second runs of device sends. */
const DEVICE_RUNS = 3;

/** "With the dispatcher idle": an API-only server, as when workers run apart. */
const env = { HERALD_DISPATCHER: 'off' };

/** Where the server's memory is, in MB: its resident set split as /proc and its own /metrics see it. */
async function memoryOf(server: HeraldProcess) {
  const { rss, anonymous, files } = residentOf(server.child.pid!);
  const metrics = await (await fetch(`${server.url}/metrics`)).text();
  const gauge = (name: string) => Number(new RegExp(`^${name} (\\S+)`, 'm').exec(metrics)?.[1] ?? 0) / 2 ** 20;
  const heap = gauge('herald_heap_size_total_bytes');
  const external = gauge('herald_external_memory_bytes');
  return {
    rss,
    line:
      `RSS ${rss.toFixed(0)} MB = V8 heap ${heap.toFixed(0)} MB (${gauge('herald_heap_size_used_bytes').toFixed(0)} MB in use) ` +
      `+ buffers ${external.toFixed(0)} MB + other native ${(anonymous - heap - external).toFixed(0)} MB ` +
      `(SQLite's page cache at most ${gauge('herald_db_page_cache_limit_bytes').toFixed(0)} MB per connection) ` +
      `+ mapped files ${files.toFixed(0)} MB (node's own code, the WAL index)`,
  };
}

/** The resident set of a process and its two parts, in MB, from /proc. */
function residentOf(pid: number) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0) / 1024;
  return { rss: kb('VmRSS'), anonymous: kb('RssAnon'), files: kb('RssFile') + kb('RssShmem') };
}

/**
 * The highest resident set of `server` while `fn` runs, sampled every 20 ms, with its split at that moment: anonymous
 * memory (V8's heap, buffers, SQLite's caches and the rest of the native heap) and mapped files (node's code, the WAL index).
 */
async function peakRssDuring<T>(server: HeraldProcess, fn: () => Promise<T>) {
  const pid = server.child.pid!;
  let peak = residentOf(pid);
  const sample = () => {
    const now = residentOf(pid);
    if (now.rss > peak.rss) peak = now;
  };
  const sampler = setInterval(sample, 20);
  try {
    const value = await fn();
    sample();
    return { value, peak: peak.rss, split: `${peak.anonymous.toFixed(0)} MB anonymous + ${peak.files.toFixed(0)} MB mapped files` };
  } finally {
    clearInterval(sampler);
  }
}

const loadAverage = () => `load average ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} cores`;

/** Runs of the preview of the big send's target (the audience expansion as a client sees it). */
const PREVIEW_RUNS = 9;

/**
 * Has `server` import 100,000 users, 200,000 devices and 2,000 groups generated here, and prints how it went; answers
 * the big send's target and the import's peak RSS. The generated directory (about 160 MB of this process's heap) is
 * garbage once this returns: kept in `run`'s scope, it made this process's major GCs (74 ms, their marking threads on
 * both cores) land in the first run of device sends, which the server's event loop then waited out (p99 79-156 ms).
 */
async function importAtScale(server: HeraldProcess, api: ReturnType<typeof apiClient>) {
  const { input, targetGroupIds } = generateDirectory({ users: 100_000, devices: 200_000, groups: 2_000 });
  // one device per enrolled mobile user is not enough for 200k reachable devices; give every device an owner
  for (const d of input.devices) d.enrolledByUserId ??= input.users[0]!.id;
  const bodies = importBatches(input, 50_000);
  const started = await memoryOf(server);
  const importStart = performance.now();
  // each call's own peak, to tell which part of the import (users, devices, groups and their memberships) reaches it
  const calls: { what: string; peak: number }[] = [];
  const imported = await peakRssDuring(server, async () => {
    for (const body of bodies) {
      const call = await peakRssDuring(server, () => importDirectory(api, body));
      calls.push({ what: Object.keys(body).join('+'), peak: call.peak });
    }
  });
  console.log(
    `(set-up: the server imported 100k users, 200k devices, 2k groups in ${bodies.length} calls in ${((performance.now() - importStart) / 1000).toFixed(1)} s; ` +
      `RSS ${started.rss.toFixed(0)} MB at start, peak ${imported.peak.toFixed(0)} MB while importing = ${imported.split}; ` +
      `peak of each call: ${calls.map((c) => `${c.what} ${c.peak.toFixed(0)}`).join(', ')} MB)`,
  );
  return { targetGroupIds, importPeak: imported.peak };
}

const bench: Bench = {
  name: 'sending',
  async run() {
    // The server imports the directory itself, then sends: its figures include what the import left behind.
    const server = await spawnCompiledHerald(env);
    const token = server.token!;
    try {
      const api = apiClient(server.url, token);
      const { targetGroupIds, importPeak } = await importAtScale(server, api);
      // the generated objects are garbage now; collect them before measuring, so no major GC of
      // the load generator's own heap lands inside the latency figures
      collectGarbage();

      // The send's and the preview's database work alone, on the database as the send finds it (each snapshot is
      // rolled back; a 200,000-row snapshot into a table that already holds one costs half as much again), while the
      // server waits: what this machine gives those statements this minute, to read the two figures below against.
      const alone = await databaseWorkAlone(server.dbUrl, targetGroupIds, { snapshots: 3, summaries: PREVIEW_RUNS });

      const before = await memoryOf(server);
      console.log(`(before the group send: ${before.line})`);
      const cpuBefore = server.cpuMs();
      const t0 = performance.now();
      const sent = await peakRssDuring(server, () =>
        api('POST', '/v1/notifications', { title: 'Bench', body: 'Everyone', groupIds: targetGroupIds }),
      );
      const ms = performance.now() - t0;
      const cpuMs = server.cpuMs() - cpuBefore;
      const res = sent.value;
      if (res.status !== 202) throw new Error(`group send: ${res.status} ${JSON.stringify(res.body)}`);
      // what stays once the answer is out (and the WAL's sync and checkpoint are done)
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      const after = await memoryOf(server);
      const peak = Math.max(importPeak, sent.peak);
      const a = res.body.audience;
      const skipped = Object.values(a.skipped as Record<string, number>).reduce((x, y) => x + y, 0);
      console.log(
        `group send to 25 groups: ${a.devices} devices queued + ${skipped} skipped (${a.users} users) accepted in ${ms.toFixed(0)} ms (target < 1000 ms: ${judge('25-group send to 200,000 devices accepted < 1 s', `${ms.toFixed(0)} ms`, ms < 1000)}; ` +
          `server CPU ${cpuMs.toFixed(0)} ms); server RSS peak ${peak.toFixed(0)} MB over the import and the send (target < 200 MB: ${judge('server peak RSS over the import and the send < 200 MB', `${peak.toFixed(0)} MB`, peak < 200)}; ` +
          `${sent.peak.toFixed(0)} MB during the send = ${sent.split}), ${(after.rss - before.rss).toFixed(0)} MB above its pre-send RSS 2 s after (target <= 20 MB: ${judge('RSS after the send within 20 MB of before', `+${(after.rss - before.rss).toFixed(0)} MB`, after.rss - before.rss <= 20)}); ${loadAverage()}`,
      );
      console.log(`(after the group send: ${after.line})`);

      const previews: number[] = [];
      const previewCpu = server.cpuMs();
      const preview = () => api('POST', '/v1/notifications/preview', { title: 'Bench', body: 'Everyone', groupIds: targetGroupIds });
      await preview(); // statements prepared, pages cached
      for (let i = 0; i < PREVIEW_RUNS; i++) {
        const p0 = performance.now();
        const answer = await preview();
        previews.push(performance.now() - p0);
        if (answer.status !== 200) throw new Error(`preview: ${answer.status} ${JSON.stringify(answer.body)}`);
      }
      previews.sort((x, y) => x - y);
      console.log(
        `expansion (POST /v1/notifications/preview of those 25 groups): median ${median(previews).toFixed(0)} ms of ${PREVIEW_RUNS} (target < 150 ms: ${judge('expansion (preview of that send), median < 150 ms', `${median(previews).toFixed(0)} ms`, median(previews) < 150)}) ` +
          `[${previews.map((p) => p.toFixed(0)).join(', ')}]; server CPU ${((server.cpuMs() - previewCpu) / PREVIEW_RUNS).toFixed(0)} ms per preview; ${loadAverage()}`,
      );
      console.log(
        `the same database work alone, in this process just before the send (no HTTP, checks, notification row or durable commit; database-work.ts): ` +
          `the send's snapshot (snapshotAudience, rolled back) ${alone.snapshots}: the send's 202 took ${(ms / alone.snapshot).toFixed(2)}x it; ` +
          `the preview's summary (summarizeAudience) ${alone.summaries}: the preview took ${(median(previews) / alone.summary).toFixed(2)}x it`,
      );

      // Device sends on a fresh process over the same database, as after a restart: their figure is a server's that
      // takes sends, not the aftermath of a 200,000-row snapshot (its WAL still being checkpointed).
      await server.stop();
      const sender = await spawnCompiledHerald({ ...env, HERALD_DB_URL: server.dbUrl });
      const load = await startLoadGenerator();
      collectGarbage(); // as before the group send: this process's heap starts the runs collected
      try {
        await deviceSends(sender, { load, url: sender.url, token }, filePath(server.dbUrl));
      } finally {
        await load.stop();
        await sender.stop();
      }
    } finally {
      await server.stop();
      server.removeDatabase();
    }
  },
};

/** The server's WAL sync histogram (GET /metrics): cumulative counts by upper bound in ms. */
async function walSyncBuckets(server: HeraldProcess) {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  return [...text.matchAll(/^herald_wal_sync_seconds_bucket\{le="([^"]+)"\} (\d+)$/gm)].map((m) => ({
    ms: m[1] === '+Inf' ? Number.POSITIVE_INFINITY : Number(m[1]) * 1000,
    count: Number(m[2]),
  }));
}

/** The p99 of the WAL's syncs between two histograms, as the bucket bound it is under, and how many syncs there were. */
function walSyncP99(before: { ms: number; count: number }[], after: { ms: number; count: number }[]) {
  const during = after.map((b, i) => ({ ms: b.ms, count: b.count - (before[i]?.count ?? 0) }));
  const total = during.at(-1)?.count ?? 0;
  return { total, p99: during.find((b) => b.count >= total * 0.99)?.ms ?? Number.NaN };
}

/** Seconds of each raw durable loop run (test/bench/raw-durable-server.ts), after each run of device sends. */
const RAW_SECONDS = 10;
/** What the raw loop writes per answer: a device send's commit, 10 WAL frames of a 4 KB page and its 24-byte header (10.2 measured). */
const RAW_COMMIT_BYTES = 10 * (4096 + 24);

/** The raw durable loop in its own process, writing beside the database; `stop` ends it and removes its file. */
async function startRawDurable(dir: string) {
  const { child, ready } = await forkReady<{ url: string }>(new URL('./raw-durable-server.ts', import.meta.url), 'the raw durable loop', [
    join(dir, 'raw-durable.wal'),
    String(RAW_COMMIT_BYTES),
  ]);
  return { url: ready.url, stop: () => stopChild(child) };
}

const gcOf = ({ gc }: LoadRun) =>
  `${gc.major} major (${gc.majorMs.toFixed(0)} ms) and ${gc.minor} minor (${gc.minorMs.toFixed(0)} ms) collections`;

/**
 * Device sends at 200/s, after a warm-up, with the disk's own sync latency measured after each run, and the raw
 * durable loop's (the least a durable answer costs here: HTTP, one commit's bytes and an fdatasync, nothing else).
 */
async function deviceSends(
  server: HeraldProcess,
  { load, url, token }: { load: LoadGenerator; url: string; token: string },
  dbFile: string,
) {
  const walMb = (file: string) => (existsSync(file) ? statSync(file).size / 1e6 : 0);
  const sends = (seconds: number, stride: number, offset: number) => load.run({ url, token, perSecond: 200, seconds, stride, offset });
  // Warm-up at the measured rate, reported but not counted: a fresh process runs its first thousand or so
  // requests unoptimised (V8 has not compiled the hot paths yet) on cold SQLite caches, and queues behind them.
  const warm = await sends(5, 1, 150_000);
  console.log(
    `(warm-up: 5 s at 200/s: p50 ${warm.p50.toFixed(1)} ms, p99 ${warm.p99.toFixed(1)} ms; unexpected answers: ${warm.failures}; WAL ${walMb(`${dbFile}-wal`).toFixed(0)} MB)`,
  );
  // Several 30-second runs, each on devices of its own (a device takes 10 sends an hour), each followed by
  // the disk's own sync latency: the figure is the median run's p99, as the other benches report medians.
  const raw = await startRawDurable(dirname(dbFile));
  const rawSends = (seconds: number) => load.run({ url: raw.url, token: 'none', perSecond: 200, seconds, stride: 1, offset: 0 });
  await rawSends(3); // its warm-up
  const cpuBefore = server.cpuMs();
  const writtenBefore = server.writtenBytes();
  const runs = [];
  const disks = [];
  const walSyncs = [];
  const raws = [];
  for (let r = 0; r < DEVICE_RUNS; r++) {
    const syncsBefore = await walSyncBuckets(server);
    const run = await sends(30, DEVICE_RUNS, r);
    const walSync = walSyncP99(syncsBefore, await walSyncBuckets(server));
    walSyncs.push(walSync);
    const disk = await diskSyncLatency(dirname(dbFile));
    const rawRun = await rawSends(RAW_SECONDS);
    runs.push(run);
    disks.push(disk);
    raws.push(rawRun);
    console.log(
      `(run ${r + 1}: p50 ${run.p50.toFixed(1)} ms, p99 ${run.p99.toFixed(1)} ms, max ${run.max.toFixed(1)} ms, ${run.achieved.toFixed(0)} req/s, ` +
        `unexpected answers: ${run.failures}; the load generator meanwhile: ${gcOf(run)}; the server's own WAL fdatasyncs meanwhile (${walSync.total}): p99 <= ${walSync.p99} ms; ` +
        `this disk alone right after, a 32 KB write + fdatasync 200 times a second for 5 s: ` +
        `p50 ${disk.p50.toFixed(1)} ms, p99 ${disk.p99.toFixed(1)} ms, max ${disk.max.toFixed(1)} ms; then the raw durable loop for ${RAW_SECONDS} s: ` +
        `p50 ${rawRun.p50.toFixed(1)} ms, p99 ${rawRun.p99.toFixed(1)} ms, max ${rawRun.max.toFixed(1)} ms, unexpected answers: ${rawRun.failures}; ${loadAverage()})`,
    );
  }
  await raw.stop();
  const total = runs.reduce((n, run) => n + run.total, 0);
  const cpuPerSend = (server.cpuMs() - cpuBefore) / total;
  const writtenPerSend = (server.writtenBytes() - writtenBefore) / total;
  const loadCpuPerSend = runs.reduce((us, run) => us + run.cpuUs, 0) / 1000 / total;
  const p99 = median(runs.map((run) => run.p99));
  const diskP99 = median(disks.map((disk) => disk.p99));
  const rawP99 = median(raws.map((run) => run.p99));
  console.log(
    `(load generator CPU ${loadCpuPerSend.toFixed(2)} ms per send, in a process of its own; every durable send waits for one WAL fdatasync)`,
  );
  console.log(
    `device sends at 200/s for 30 s, ${DEVICE_RUNS} runs: p99 ${p99.toFixed(1)} ms in the median run (target <= the disk's fdatasync p99 ${diskP99.toFixed(1)} ms + 5 ms: ` +
      `${judge('device sends at 200/s, p99 <= disk fdatasync p99 + 5 ms', `${p99.toFixed(1)} ms against ${diskP99.toFixed(1)} + 5 ms`, p99 <= diskP99 + 5)}) [runs ${runs.map((run) => run.p99.toFixed(1)).join(', ')}; disk ${disks.map((disk) => disk.p99.toFixed(1)).join(', ')}], ` +
      `median p50 ${median(runs.map((run) => run.p50)).toFixed(1)} ms; the raw durable loop (HTTP, ${(RAW_COMMIT_BYTES / 1024).toFixed(0)} KB written and an fdatasync, nothing else) ` +
      `p99 ${rawP99.toFixed(1)} ms in the median run [runs ${raws.map((run) => run.p99.toFixed(1)).join(', ')}], so Herald adds ${(p99 - rawP99).toFixed(1)} ms to what this machine's HTTP and disk take; the WAL's own fdatasync p99 during the runs <= ${walSyncs.map((w) => w.p99).join(', ')} ms; server CPU ${cpuPerSend.toFixed(2)} ms and ${(writtenPerSend / 1024).toFixed(0)} KB written (WAL and checkpoints) per send`,
  );
}

export default bench;
