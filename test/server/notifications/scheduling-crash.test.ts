import { afterAll, describe, expect, it } from 'vitest';
import { group, importDirectory, phone, user } from '../../helpers/directory';
import { apiClient, type Api } from '../../helpers/herald';
import { spawnHerald, type HeraldProcess } from '../../helpers/process';
import { expectStatus } from '../../helpers/rbac';

const processes: HeraldProcess[] = [];
afterAll(async () => {
  await Promise.all(processes.map((p) => p.stop('SIGKILL')));
  for (const p of processes) p.removeDatabase();
});

const text = { title: 'Office closes early', body: 'The office closes at 16:00 today.' };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!done(value) && Date.now() < deadline) {
    await sleep(200);
    value = await read();
  }
  return value;
}

/** Every `notification.fire` entry of the tenant's audit log, by notification id. */
async function fireEntries(api: Api): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  let cursor: string | null = null;
  do {
    const page: { items: { details: { notificationId: string } }[]; nextCursor: string | null } = expectStatus(
      await api('GET', `/v1/audit?action=notification.fire&limit=200${cursor ? `&cursor=${cursor}` : ''}`),
      200,
    );
    for (const e of page.items) counts.set(e.details.notificationId, (counts.get(e.details.notificationId) ?? 0) + 1);
    cursor = page.nextCursor;
  } while (cursor);
  return counts;
}

describe('scheduled sends with several processes', () => {
  it('fire exactly once with two dispatchers, one of them SIGKILLed while firing and restarted', { timeout: 120_000 }, async () => {
    // an API-only server schedules, so nothing fires before both dispatchers run
    const api0 = await spawnHerald({ HERALD_DISPATCHER: 'off' });
    processes.push(api0);
    const admin = apiClient(api0.url, api0.token!);
    const USERS = 150;
    const SENDS = 40;
    const users = Array.from({ length: USERS }, (_, i) => user(`u${i}`));
    await importDirectory(admin, {
      users,
      devices: users.map((u, i) => phone(`d${i}`, u.id)),
      groups: [
        group(
          'everyone',
          users.map((u) => ({ type: 'user' as const, id: u.id })),
        ),
      ],
    });
    expectStatus(await admin('PATCH', '/v1/tenant/settings', { groupSendsPerHour: 1000 }), 200);
    const sendAt = new Date(Date.now() + 4_000).toISOString();
    const ids = await Promise.all(
      Array.from(
        { length: SENDS },
        async () => expectStatus(await admin('POST', '/v1/notifications', { ...text, groupIds: ['everyone'], sendAt }), 202).id as string,
      ),
    );
    const env = { HERALD_DB_URL: api0.dbUrl };
    const [a, b] = await Promise.all([spawnHerald(env), spawnHerald(env)]);
    processes.push(a, b);
    // a dies while the sends are being fired
    await sleep(Math.max(0, Date.parse(sendAt) - Date.now()) + 150);
    await a.stop('SIGKILL');
    const c = await spawnHerald(env);
    processes.push(c);

    const api = apiClient(c.url, api0.token!);
    const views = await until(
      () => Promise.all(ids.map(async (id) => expectStatus(await api('GET', `/v1/notifications/${id}`), 200))),
      (all) => all.every((v) => v.status !== 'scheduled'),
      60_000,
    );
    for (const view of views) {
      expect(view.status).toBe('queued');
      expect(view.audience).toEqual({ users: USERS, devices: USERS, skipped: {} });
      const deliveries = Object.values(view.counts as Record<string, number>).reduce((sum, n) => sum + n, 0);
      expect(deliveries).toBe(USERS);
    }
    const entries = await fireEntries(api);
    expect(ids.map((id) => entries.get(id))).toEqual(ids.map(() => 1));
  });

  it('fire at start-up when their time passed while Herald was down, saying how late', { timeout: 60_000 }, async () => {
    const first = await spawnHerald({ HERALD_DISPATCHER: 'off' });
    processes.push(first);
    const admin = apiClient(first.url, first.token!);
    await importDirectory(admin, { users: [user('u1')], devices: [phone('d1', 'u1')] });
    const sendAt = new Date(Date.now() + 1_000).toISOString();
    const { id } = expectStatus(await admin('POST', '/v1/notifications', { ...text, deviceId: 'd1', sendAt }), 202);
    await first.stop('SIGKILL');
    // a timer may end on the very millisecond Date.now() reaches (it runs on another clock): wait past it
    await sleep(Math.max(0, Date.parse(sendAt) - Date.now()) + 2_100);
    expect(Date.now()).toBeGreaterThan(Date.parse(sendAt) + 2_000);

    const second = await spawnHerald({ HERALD_DB_URL: first.dbUrl });
    processes.push(second);
    const api = apiClient(second.url, first.token!);
    const view = await until(
      async () => expectStatus(await api('GET', `/v1/notifications/${id}`), 200),
      (v) => v.status !== 'scheduled',
      10_000,
    );
    expect(view.status).toBe('queued');
    expect(view.lateSeconds).toBeGreaterThanOrEqual(2);
    const audit = expectStatus(await api('GET', '/v1/audit?action=notification.fire'), 200);
    expect(audit.items[0].details).toMatchObject({ notificationId: id, lateSeconds: view.lateSeconds });
  });
});
