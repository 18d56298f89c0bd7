/**
 * Child-process entry for the sending bench: the load generator of its device sends (and of the raw durable loop's
 * requests), in a fresh process of its own. In the bench's own process it shared a heap grown by every bench run
 * before it, and that heap's major collections (31 ms, their marking threads on the two cores the server needs) fell
 * inside the timed runs. Asked over IPC for a run (LoadRequest), it answers the run's latencies with its own CPU and
 * collections meanwhile (LoadRun); exits when the parent does.
 */
import { constants as perf, PerformanceObserver } from 'node:perf_hooks';
import { deviceId } from '../helpers/directory-fixture';
import { jsonPoster } from './http-load';
import { atRate } from './pace';
import { percentile } from './stats';

/** `perSecond` device sends for `seconds` to the server at `url`, the i-th to `deviceId(i * stride + offset)`. */
export interface LoadRequest {
  url: string;
  token: string;
  perSecond: number;
  seconds: number;
  stride: number;
  offset: number;
}

export interface LoadRun {
  total: number;
  /** Each unexpected answer (status and error code, or the client's error) and how many times, or `0`. */
  failures: string;
  p50: number;
  p99: number;
  max: number;
  achieved: number;
  /** This process's CPU over the run, and its garbage collections. */
  cpuUs: number;
  gc: { major: number; majorMs: number; minor: number; minorMs: number };
}

/** One poster (and its kept-alive sockets) per server and token. */
const posters = new Map<string, ReturnType<typeof jsonPoster>>();
const posterFor = (url: string, token: string) => {
  const key = `${token} ${url}`;
  let poster = posters.get(key);
  if (!poster) posters.set(key, (poster = jsonPoster(url, token)));
  return poster;
};

async function deviceSendLatency({ url, token, perSecond, seconds, stride, offset }: LoadRequest): Promise<LoadRun> {
  const { post } = posterFor(url, token);
  const total = perSecond * seconds;
  const latencies: number[] = [];
  const unexpected = new Map<string, number>();
  const note = (what: string) => unexpected.set(what, (unexpected.get(what) ?? 0) + 1);
  const gcs = collections();
  const cpuBefore = process.cpuUsage();
  const start = performance.now();
  const inFlight: Promise<void>[] = [];
  await atRate(perSecond, total, (i) =>
    inFlight.push(
      (async () => {
        const t0 = performance.now();
        const body = { title: 'Bench', body: `Device send ${i}`, deviceId: deviceId(i * stride + offset) };
        const res = await post('/v1/notifications', body).catch((error: unknown) => {
          note(`client ${error instanceof Error ? ((error as { code?: string }).code ?? error.message) : String(error)}`);
          return null;
        });
        latencies.push(performance.now() - t0);
        if (res && res.status !== 202 && res.status !== 400) note(`${res.status} ${/"code":"(\w+)"/.exec(res.body)?.[1] ?? ''}`.trim());
      })(),
    ),
  );
  await Promise.all(inFlight);
  const achieved = total / ((performance.now() - start) / 1000);
  const cpu = process.cpuUsage(cpuBefore);
  latencies.sort((a, b) => a - b);
  return {
    total,
    failures: [...unexpected].map(([what, n]) => `${n} x ${what}`).join(', ') || '0',
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: latencies.at(-1)!,
    achieved,
    cpuUs: cpu.user + cpu.system,
    gc: gcs.stop(),
  };
}

/** This process's garbage collections from now until `stop`. */
function collections() {
  const counted = { major: 0, majorMs: 0, minor: 0, minorMs: 0 };
  const count = (entries: PerformanceEntry[]) => {
    for (const entry of entries) {
      const major = (entry as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind === perf.NODE_PERFORMANCE_GC_MAJOR;
      counted[major ? 'major' : 'minor']++;
      counted[major ? 'majorMs' : 'minorMs'] += entry.duration;
    }
  };
  const observer = new PerformanceObserver((list) => count(list.getEntries()));
  observer.observe({ entryTypes: ['gc'] });
  return {
    stop() {
      // entries are delivered to the callback later: those of the run's last moments are still queued here
      count(observer.takeRecords());
      observer.disconnect();
      return counted;
    },
  };
}

process.on('message', (request: LoadRequest) => void deviceSendLatency(request).then((run) => process.send!(run)));
process.on('disconnect', () => {
  for (const poster of posters.values()) poster.close();
  process.exit(0);
});
process.send!({ ready: true });
