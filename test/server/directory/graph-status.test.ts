import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { group, user } from '../../helpers/directory';
import { startSyncedHerald, type SyncedHerald } from '../../helpers/graph';
import { accountWith, expectStatus } from '../../helpers/rbac';

let s: SyncedHerald;

beforeEach(async () => {
  // a Graph outage fails the sync after 1 s of backing off, not the 60 s of production
  s = await startSyncedHerald({ sync: { throttleBudgetMs: 1_000 } });
});
afterEach(() => s.close());

const status = async () => expectStatus(await s.herald.admin.api('GET', '/v1/directory/status'), 200);

describe('GET /v1/directory/status', () => {
  it('says a tenant without a connection is imported by hand, with its size', async () => {
    expectStatus(await s.herald.admin.api('POST', '/v1/directory/import', { users: [user('u1'), user('u2')], groups: [group('g1')] }), 200);
    expect(await status()).toEqual({ source: 'import', lastSync: null, lastSuccessAt: null, totals: { users: 2, groups: 1, devices: 0 } });
  });

  it('after a sync: Entra ID as the source, the sync, when it last succeeded, and the size; a failed sync after it keeps that success', async () => {
    s.fake.addUser({ id: 'e1', userPrincipalName: 'e1@contoso.example', displayName: 'E1' });
    s.fake.addGroup('eg1', 'Synced', [{ type: 'user', id: 'e1' }]);
    s.fake.setDevice({
      id: '7d6f5a1e-0000-4000-8000-000000000001',
      deviceName: 'E1 iPhone',
      operatingSystem: 'iOS',
      userId: 'e1',
      managementState: 'managed',
      serialNumber: null,
    });
    await s.connect();
    const ok = await s.sync();
    const after = await status();
    expect(after).toMatchObject({
      source: 'entra',
      lastSync: { id: ok.id, status: 'succeeded' },
      lastSuccessAt: ok.finishedAt,
      totals: { users: 1, groups: 1, devices: 1 },
    });

    s.fake.fail(503);
    const failed = await s.sync();
    expect(failed.status).toBe('failed');
    const later = await status();
    expect(later.lastSync).toMatchObject({ id: failed.id, status: 'failed', error: { code: expect.any(String) } });
    expect(later.lastSuccessAt).toBe(ok.finishedAt);
  });

  it('counts only the tenant of the caller, and needs Organization.Read', async () => {
    expectStatus(await s.herald.admin.api('POST', '/v1/directory/import', { users: [user('u1')] }), 200);
    const other = await s.herald.newTenant('Fabrikam');
    expect(expectStatus(await other.api('GET', '/v1/directory/status'), 200).totals).toEqual({ users: 0, groups: 0, devices: 0 });
    const nobody = await accountWith(s.herald, []);
    expect((await nobody.api('GET', '/v1/directory/status')).status).toBe(403);
  });
});
