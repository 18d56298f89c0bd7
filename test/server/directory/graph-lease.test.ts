import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { directorySyncs } from '../../../server/db/schema';
import { scheduleDirectorySyncs } from '../../../server/directory/graph/schedule';
import { startSyncedHerald, type SyncedHerald } from '../../helpers/graph';
import { expectStatus } from '../../helpers/rbac';

let s: SyncedHerald;

beforeEach(async () => {
  s = await startSyncedHerald();
  s.fake.addUser({ id: 'u1', userPrincipalName: 'u1@contoso.example', displayName: 'U1' });
  await s.connect();
});
afterEach(() => s.close());

describe('one sync at a time per tenant', () => {
  it('answers 409 syncRunning to a second POST while the first runs', async () => {
    // the first sync waits out a throttle, so it is surely still running
    s.fake.interrupt({ status: 429, retryAfter: '1' });
    const first = expectStatus(await s.herald.admin.api('POST', '/v1/directory/sync'), 202);
    expect(first).toEqual({ id: expect.any(String), status: 'running', kind: 'full' });
    const second = await s.herald.admin.api('POST', '/v1/directory/sync', { full: true });
    expect(second.status).toBe(409);
    expect(second.body.error.code).toBe('syncRunning');
    await s.service.settled();
    expect(expectStatus(await s.herald.admin.api('GET', `/v1/directory/syncs/${first.id}`), 200).status).toBe('succeeded');
  });

  it('a sync whose process died is failed once its lease lapses, and the next one runs', async () => {
    const tenantId = s.herald.admin.tenantId;
    const now = s.herald.clock.now();
    await s.herald.database.write((tx) =>
      tx
        .insert(directorySyncs)
        .values({ id: 'crashed', tenantId, kind: 'full', status: 'running', startedAt: now - 120_000, leaseUntil: now + 30_000 }),
    );
    expect((await s.herald.admin.api('POST', '/v1/directory/sync')).status).toBe(409);

    s.herald.clock.advance(31_000);
    expect((await s.sync()).status).toBe('succeeded');
    expect(expectStatus(await s.herald.admin.api('GET', '/v1/directory/syncs/crashed'), 200)).toMatchObject({
      status: 'failed',
      error: { code: 'syncAbandoned' },
    });
  });
});

describe('automatic syncs', () => {
  it('are started by the schedule at once, and stopping it waits for them', async () => {
    const schedule = scheduleDirectorySyncs(s.service, () => {});
    await schedule.stop();
    const syncs = expectStatus(await s.herald.admin.api('GET', '/v1/directory/syncs'), 200);
    expect(syncs.items.map((i: any) => [i.kind, i.status])).toEqual([['full', 'succeeded']]);
  });

  it('start every directorySyncMinutes for a connected tenant, and not at all at 0', async () => {
    const first = await s.service.startDue();
    expect(first).toHaveLength(1);
    await first[0]!.done;
    expect(await s.service.startDue()).toHaveLength(0);

    s.herald.clock.advance(59 * 60_000);
    expect(await s.service.startDue()).toHaveLength(0);
    s.herald.clock.advance(2 * 60_000);
    const again = await s.service.startDue();
    expect(again.map((x) => x.sync.kind)).toEqual(['incremental']);
    await again[0]!.done;

    expectStatus(await s.herald.admin.api('PATCH', '/v1/tenant/settings', { directorySyncMinutes: 0 }), 200);
    s.herald.clock.advance(24 * 60 * 60_000);
    expect(await s.service.startDue()).toHaveLength(0);
  });
});
