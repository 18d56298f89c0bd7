/**
 * Directory sync figures, against `herald serve` in its own process syncing from the fake Entra ID + Graph
 * (HTTPS on loopback, Graph's page size 999):
 * - a full sync of 50,000 users, 2,000 groups (nested 6 deep, about 120,000 memberships) and 100,000 managed
 *   devices (target < 60 s), with the server's peak RSS (target < 300 MB);
 * - device sends at 20/s throughout, answered meanwhile: their p50, p99 and max;
 * - an incremental sync of 100 changes (target < 2 s).
 */
import { apiClient } from '../helpers/herald';
import { spawnCompiledHerald } from './compiled-herald';
import { startFakeGraph, type FakeGraph } from '../fakes/graph';
import { expectStatus } from '../helpers/rbac';
import { jsonPoster } from './http-load';
import { atRate } from './pace';
import type { Bench } from './run';
import { fmt, percentile } from './stats';

/** BENCH_SCALE=0.1 runs a tenth of the directory, to try the bench out quickly. */
const SCALE = Number(process.env.BENCH_SCALE ?? 1);
const USERS = Math.round(50_000 * SCALE);
const GROUPS = Math.round(2_000 * SCALE);
const DEVICES = Math.round(100_000 * SCALE);
const USERS_PER_GROUP = 59;

const userId = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
const groupId = (i: number) => `10000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
const deviceId = (i: number) => `20000000-0000-4000-8000-${String(i).padStart(12, '0')}`;

function populate(fake: FakeGraph) {
  for (let i = 0; i < USERS; i++) fake.addUser({ id: userId(i), userPrincipalName: `user${i}@contoso.example`, displayName: `User ${i}` });
  for (let g = 0; g < GROUPS; g++) {
    const members = Array.from({ length: USERS_PER_GROUP }, (_, k) => ({
      type: 'user' as const,
      id: userId((g * USERS_PER_GROUP + k) % USERS),
    }));
    // chains of six: each group holds the next, so expansion goes 6 deep
    if (g % 6 !== 5 && g + 1 < GROUPS) members.push({ type: 'group', id: groupId(g + 1) } as never);
    fake.addGroup(groupId(g), `Group ${g}`, members);
  }
  for (let i = 0; i < DEVICES; i++)
    fake.setDevice({
      id: deviceId(i),
      deviceName: `Device ${i}`,
      operatingSystem: i % 2 ? 'Android' : 'iOS',
      userId: userId(i % USERS),
      managementState: 'managed',
      serialNumber: `SN${i}`,
    });
}

const bench: Bench = {
  name: 'directory-sync',
  async run() {
    const fake = await startFakeGraph({ pageSize: 999 });
    populate(fake);
    const server = await spawnCompiledHerald({
      HERALD_ENTRA_AUTHORITY_HOST: fake.origin,
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
          `${full.seconds.toFixed(1)} s (target < 60 s); server RSS ${baseline.toFixed(0)} MB before, peak ${full.peak.toFixed(0)} MB (target < 300 MB)`,
      );
      console.log(
        `device sends at 20/s during it: ${latencies.length} answered, p50 ${percentile(latencies, 50).toFixed(1)} ms, ` +
          `p99 ${percentile(latencies, 99).toFixed(1)} ms, max ${latencies.at(-1)!.toFixed(0)} ms` +
          (problems.size ? `; not 202: ${[...problems].map(([k, n]) => `${k} x${n}`).join(', ')}` : ''),
      );

      // 100 changes: 60 renamed users, 20 membership changes, 20 removed users
      for (let i = 0; i < 60; i++)
        fake.addUser({ id: userId(i), userPrincipalName: `user${i}@contoso.example`, displayName: `Renamed ${i}` });
      for (let g = 0; g < 20; g++) fake.addMember(groupId(g), { type: 'user', id: userId(USERS - 1 - g) });
      for (let i = 0; i < 20; i++) fake.removeUser(userId(1000 + i));
      const incremental = await syncOnce();
      console.log(
        `incremental sync of 100 changes: ${incremental.seconds.toFixed(2)} s (target < 2 s); counts ${JSON.stringify(incremental.sync.counts)}`,
      );
    } finally {
      await server.stop();
      server.removeDatabase();
      await fake.close();
    }
  },
};

export default bench;
