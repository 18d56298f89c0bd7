/**
 * Directory sync figures, against `herald serve` in its own process syncing from the fake Entra ID + Graph
 * (HTTPS on loopback, Graph's page size 999) in a third process (test/bench/fake-graph-process.ts):
 * - a full sync of 50,000 users, 2,000 groups (nested 6 deep, about 120,000 memberships) and 100,000 managed
 *   devices (target < 60 s), with the server's peak RSS (target < 300 MB);
 * - device sends at 20/s throughout, answered meanwhile: their p50, p99 and max;
 * - an incremental sync of 100 changes (target < 2 s), with where its time went (listing Graph, which has no delta
 *   for managed devices so every sync lists them whole, against applying) and the CPU the server and the fake used.
 */
import { availableParallelism, loadavg } from 'node:os';
import { apiClient } from '../helpers/herald';
import { spawnCompiledHerald } from './compiled-herald';
import { expectStatus } from '../helpers/rbac';
import { DEVICES, GROUPS, USERS, USERS_PER_GROUP, type FakeGraphProcess, type Request, type Usage } from './fake-graph-process';
import { jsonPoster } from './http-load';
import { atRate } from './pace';
import type { Bench } from './run';
import { asker, forkReady } from './child';
import { fmt, percentile } from './stats';
import { judge } from './targets';

/** The fake Graph in its own process: how to reach it, and a way to ask it for the 100 changes or its CPU. */
async function startFakeGraphProcess() {
  const name = 'the fake Graph';
  const { child, ready: fake } = await forkReady<FakeGraphProcess>(new URL('./fake-graph-process.ts', import.meta.url), name);
  const ask: (request: Request) => Promise<Usage> = asker<Usage>(child, name);
  return { ...fake, ask, close: () => child.disconnect() };
}

const bench: Bench = {
  name: 'directory-sync',
  async run() {
    const fake = await startFakeGraphProcess();
    const server = await spawnCompiledHerald({
      // its log line of each sync says how long reading and applying took
      HERALD_LOG: 'json',
      HERALD_ENTRA_AUTHORITY_HOST: fake.authorityHost,
      HERALD_GRAPH_BASE_URL: fake.origin,
      NODE_EXTRA_CA_CERTS: fake.caFile,
    });
    try {
      const api = apiClient(server.url, server.token!);
      expectStatus(
        await api('PUT', '/v1/directory/connection', {
          entraTenantId: fake.entraTenantId,
          clientId: fake.clientId,
          clientSecret: fake.clientSecret,
        }),
        200,
      );
      // a hand-imported device to send to meanwhile (a sync never removes what it did not create), without quota in the way
      expectStatus(await api('PATCH', '/v1/tenant/settings', { deviceSendsPerHour: 10_000 }), 200);
      expectStatus(
        await api('POST', '/v1/directory/import', {
          devices: [
            {
              id: 'bench-phone',
              name: 'Bench phone',
              platform: 'ios',
              managementState: 'enrolled',
              push: { service: 'apns', token: 'ab'.repeat(32) },
            },
          ],
        }),
        200,
      );
      const baseline = server.rssMb();
      let logs = '';
      server.child.stdout!.on('data', (chunk: Buffer) => {
        logs += chunk.toString();
      });

      const sendWhile = async (done: () => boolean) => {
        const { post, close } = jsonPoster(server.url, server.token!);
        const latencies: number[] = [];
        const problems = new Map<string, number>();
        const pending: Promise<void>[] = [];
        // at most 10 minutes of sends: the sync's own limit is far below that
        await atRate(
          20,
          20 * 600,
          () => {
            const t0 = performance.now();
            pending.push(
              post('/v1/notifications', { title: 'During sync', body: 'Still answered.', deviceId: 'bench-phone' }).then(
                (r) => {
                  latencies.push(performance.now() - t0);
                  if (r.status !== 202) problems.set(String(r.status), (problems.get(String(r.status)) ?? 0) + 1);
                },
                (e: Error) => void problems.set(e.message, (problems.get(e.message) ?? 0) + 1),
              ),
            );
          },
          done,
        );
        await Promise.all(pending);
        close();
        return { latencies: latencies.sort((a, b) => a - b), problems };
      };

      const syncOnce = async (body?: { full: boolean }) => {
        let peak = server.rssMb();
        let finished = false;
        const t0 = performance.now();
        const started = expectStatus(await api('POST', '/v1/directory/sync', body), 202);
        const sends = sendWhile(() => finished);
        let sync: { status: string; counts: unknown; error: unknown };
        for (;;) {
          peak = Math.max(peak, server.rssMb());
          sync = expectStatus(await api('GET', `/v1/directory/syncs/${started.id}`), 200);
          if (sync.status !== 'running') break;
          await new Promise((r) => setTimeout(r, 100));
        }
        const seconds = (performance.now() - t0) / 1000;
        finished = true;
        return { seconds, peak, sync, sends: await sends };
      };

      const full = await syncOnce({ full: true });
      if (full.sync.status !== 'succeeded') throw new Error(`full sync ${full.sync.status}: ${JSON.stringify(full.sync.error)}`);
      const { latencies, problems } = full.sends;
      console.log(
        `full sync of ${fmt(USERS)} users, ${fmt(GROUPS)} groups (${fmt(GROUPS * USERS_PER_GROUP)}+ memberships), ${fmt(DEVICES)} devices: ` +
          `${full.seconds.toFixed(1)} s (target < 60 s: ${judge('full Graph sync < 60 s', `${full.seconds.toFixed(1)} s`, full.seconds < 60)}); ` +
          `server RSS ${baseline.toFixed(0)} MB before, peak ${full.peak.toFixed(0)} MB (target < 300 MB: ${judge('full Graph sync peak RSS < 300 MB', `${full.peak.toFixed(0)} MB`, full.peak < 300)})`,
      );
      console.log(
        `device sends at 20/s during it: ${latencies.length} answered, p50 ${percentile(latencies, 50).toFixed(1)} ms, ` +
          `p99 ${percentile(latencies, 99).toFixed(1)} ms, max ${latencies.at(-1)!.toFixed(0)} ms` +
          (problems.size ? `; not 202: ${[...problems].map(([k, n]) => `${k} x${n}`).join(', ')}` : ''),
      );

      // 100 changes: 60 renamed users, 20 membership changes, 20 removed users
      const fakeBefore = await fake.ask('changes');
      const serverBefore = server.cpuMs();
      const incremental = await syncOnce();
      const serverCpuMs = server.cpuMs() - serverBefore;
      const fakeAfter = await fake.ask('usage');
      const { startedAt, finishedAt } = incremental.sync as unknown as { startedAt: string; finishedAt: string };
      const seconds = (Date.parse(finishedAt) - Date.parse(startedAt)) / 1000;
      const logged = logs
        .split('\n')
        .filter((l) => l.includes('"directory sync succeeded"'))
        .map((l) => JSON.parse(l) as { readMs: number; applyMs: number; readCpuMs: number; applyCpuMs: number })
        .at(-1);
      console.log(
        `incremental sync of 100 changes: ${seconds.toFixed(2)} s from start to finish (target < 2 s: ${judge('incremental Graph sync of 100 changes < 2 s', `${seconds.toFixed(2)} s`, seconds < 2)}; ` +
          `${incremental.seconds.toFixed(2)} s as the bench saw it); counts ${JSON.stringify(incremental.sync.counts)}`,
      );
      const fakeCpuMs = (fakeAfter.cpuUs - fakeBefore.cpuUs) / 1000;
      console.log(
        `  listing Graph ${logged?.readMs ?? '?'} ms (server CPU ${logged?.readCpuMs ?? '?'} ms; every managed device, ${Math.ceil(DEVICES / 999)} pages, ` +
          `as Graph has no delta for them; its last answer ${fakeAfter.lastAnswerAt - Date.parse(startedAt)} ms after the start), ` +
          `applying ${logged?.applyMs ?? '?'} ms (server CPU ${logged?.applyCpuMs ?? '?'} ms)`,
      );
      console.log(
        `  CPU during the sync: server process ${serverCpuMs.toFixed(0)} ms (sends at 20/s included), fake Graph ${fakeCpuMs.toFixed(0)} ms ` +
          '(its own process: real Graph is remote, and answers far slower than this fake); on an idle machine the sync takes about ' +
          `their sum, ${((serverCpuMs + fakeCpuMs) / 1000).toFixed(2)} s; load average now ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} cores`,
      );
    } finally {
      await server.stop();
      server.removeDatabase();
      fake.close();
    }
  },
};

export default bench;
