import { afterAll, describe, expect, it } from 'vitest';
import { importDirectory, phone, user } from '../../helpers/directory';
import { apiClient } from '../../helpers/herald';
import { spawnHerald, type HeraldProcess } from '../../helpers/process';
import { expectStatus } from '../../helpers/rbac';

const processes: HeraldProcess[] = [];
afterAll(async () => {
  await Promise.all(processes.map((p) => p.stop('SIGKILL')));
  processes[0]?.removeDatabase();
});

describe('a server killed right after answering 202', () => {
  it('loses no accepted send: after a restart each one is there, with its audience and its queued delivery', {
    timeout: 60_000,
  }, async () => {
    // API only, so the deliveries stay queued and what the restart finds is exactly what was accepted
    const first = await spawnHerald({ HERALD_DISPATCHER: 'off' });
    processes.push(first);
    const api = apiClient(first.url, first.token!);
    const devices = Array.from({ length: 40 }, (_, i) => phone(`d${i}`, `u${i}`));
    await importDirectory(api, { users: devices.map((d) => user(d.enrolledByUserId!)), devices });

    // concurrent sends share group commits; the process dies the moment the last 202 arrives
    const accepted = await Promise.all(
      devices.map(
        async (d) =>
          expectStatus(await api('POST', '/v1/notifications', { title: 'Closed today', body: `For ${d.id}`, deviceId: d.id }), 202)
            .id as string,
      ),
    );
    await first.stop('SIGKILL');

    const second = await spawnHerald({ HERALD_DISPATCHER: 'off', HERALD_DB_URL: first.dbUrl });
    processes.push(second);
    const again = apiClient(second.url, first.token!);
    for (const id of accepted) {
      const notification = expectStatus(await again('GET', `/v1/notifications/${id}`), 200);
      expect(notification.audience).toEqual({ users: 1, devices: 1, skipped: {} });
      expect(notification.counts.queued).toBe(1);
    }
  });
});
