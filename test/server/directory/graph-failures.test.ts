import { afterEach, describe, expect, it } from 'vitest';
import { fakeUser, startSyncedHerald, type SyncedHerald } from '../../helpers/graph';
import { expectStatus } from '../../helpers/rbac';

let s: SyncedHerald;
afterEach(() => s.close());

const ids = (page: { items: { id: string }[] }) => page.items.map((i) => i.id).sort();

/** Real waits, recorded. */
function recordingSleep() {
  const waits: number[] = [];
  return {
    waits,
    sleep: (ms: number) => {
      waits.push(ms);
      return new Promise<void>((resolve) => setTimeout(resolve, ms));
    },
  };
}

describe('throttling', () => {
  it('waits the Retry-After Graph gives on 429, then carries on', async () => {
    const clock = recordingSleep();
    s = await startSyncedHerald({ sync: { sleep: clock.sleep } });
    s.fake.addUser(fakeUser('u1'));
    await s.connect();
    s.fake.interrupt({ status: 429, retryAfter: '1' });

    const started = Date.now();
    const sync = await s.sync();

    expect(sync.status).toBe('succeeded');
    expect(clock.waits).toEqual([1000]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(s.fake.state.throttled).toBe(1);
    expect(ids(expectStatus(await s.herald.admin.api('GET', '/v1/users'), 200))).toEqual(['u1']);
  });

  it('backs off with jitter on a 503 without Retry-After', async () => {
    const clock = recordingSleep();
    s = await startSyncedHerald({ sync: { sleep: clock.sleep } });
    await s.connect();
    s.fake.interrupt({ status: 503 });
    expect((await s.sync()).status).toBe('succeeded');
    expect(clock.waits).toHaveLength(1);
    expect(clock.waits[0]).toBeGreaterThanOrEqual(500);
    expect(clock.waits[0]).toBeLessThanOrEqual(1000);
  });

  it('fails the sync, changing nothing, once throttling would outlast the time a sync may wait', async () => {
    const clock = recordingSleep();
    s = await startSyncedHerald({ sync: { sleep: clock.sleep, throttleBudgetMs: 2_500 } });
    await s.connect();
    s.fake.addUser(fakeUser('u1'));
    s.fake.interrupt(...Array.from({ length: 5 }, () => ({ status: 429, retryAfter: '1' })));

    const sync = await s.sync();

    expect(sync).toMatchObject({ status: 'failed', error: { code: 'graphThrottled' } });
    expect(clock.waits).toEqual([1000, 1000]);
    expect(ids(expectStatus(await s.herald.admin.api('GET', '/v1/users'), 200))).toEqual([]);
  });
});

describe('a failing sync', () => {
  it('changes nothing and keeps the previous delta links, so the next sync picks up every change', async () => {
    s = await startSyncedHerald();
    for (const id of ['u1', 'u2']) s.fake.addUser(fakeUser(id));
    s.fake.addGroup('g1', 'Leeds', [{ type: 'user', id: 'u1' }]);
    s.fake.setDevice({
      id: 'd1',
      deviceName: 'Phone',
      operatingSystem: 'iOS',
      userId: 'u1',
      managementState: 'managed',
      serialNumber: null,
    });
    await s.connect();
    expect((await s.sync()).status).toBe('succeeded');

    s.fake.removeUser('u2');
    s.fake.addUser(fakeUser('u3'));
    s.fake.addMember('g1', { type: 'user', id: 'u3' });
    s.fake.removeDevice('d1');
    // users and groups are read, then the device list fails
    s.fake.fail(500, '/v1.0/deviceManagement');
    const failed = await s.sync();
    expect(failed).toMatchObject({ kind: 'incremental', status: 'failed', counts: null, error: { code: 'graphFailed' } });
    expect(failed.error!.message).toContain('500');

    const api = s.herald.admin.api;
    expect(ids(expectStatus(await api('GET', '/v1/users'), 200))).toEqual(['u1', 'u2']);
    expect(expectStatus(await api('GET', '/v1/groups/g1'), 200).memberCounts.users).toBe(1);
    expect(ids(expectStatus(await api('GET', '/v1/devices'), 200))).toEqual(['d1']);

    s.fake.fail(null);
    const next = await s.sync();
    expect(next).toMatchObject({ kind: 'incremental', status: 'succeeded' });
    expect(ids(expectStatus(await api('GET', '/v1/users'), 200))).toEqual(['u1', 'u3']);
    expect(expectStatus(await api('GET', '/v1/groups/g1'), 200).memberCounts.users).toBe(2);
    expect(ids(expectStatus(await api('GET', '/v1/devices'), 200))).toEqual([]);

    const list = expectStatus(await api('GET', '/v1/directory/syncs'), 200);
    expect(list.items.map((i: any) => i.status)).toEqual(['succeeded', 'failed', 'succeeded']);
    const audit = expectStatus(await api('GET', '/v1/audit'), 200);
    expect(audit.items.filter((i: any) => i.action === 'directory.sync').map((i: any) => i.outcome)).toEqual([
      'success',
      'failed',
      'success',
    ]);

    const metrics = await (await fetch(`${s.herald.url}/metrics`)).text();
    expect(metrics).toMatch(/^herald_directory_sync_duration_seconds\{outcome="succeeded"\} [\d.]+$/m);
    expect(metrics).toMatch(/^herald_directory_sync_duration_seconds\{outcome="failed"\} [\d.]+$/m);
    const lastSuccess = Number(/^herald_directory_sync_last_success_timestamp_seconds ([\d.]+)$/m.exec(metrics)![1]);
    expect(lastSuccess * 1000).toBe(Date.parse(next.finishedAt!));
  });
});
