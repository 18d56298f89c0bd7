import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSettingsIn } from '../../../server/tenant/settings';
import { group, importDirectory, user } from '../../helpers/directory';
import { startTestHerald, type TestHerald } from '../../helpers/herald';
import { accountWith, customRole, expectStatus } from '../../helpers/rbac';

let herald: TestHerald;
beforeAll(async () => {
  herald = await startTestHerald();
  await importDirectory(herald.admin.api, { users: [user('u1')], groups: [group('g-scope', [{ type: 'user', id: 'u1' }])] });
});
afterAll(() => herald.close());

const settings = async () => expectStatus(await herald.admin.api('GET', '/v1/tenant/settings'), 200);

describe('PATCH /v1/tenant/settings', () => {
  it('refuses Organization.Update scoped to groups for every setting, and changes nothing', async () => {
    const before = await settings();
    const scoped = await accountWith(herald, [{ roleId: 'administrator', scope: { type: 'groups', groupIds: ['g-scope'] } }]);
    for (const patch of [
      { groupSendsPerHour: 10_000 },
      { deviceSendsPerHour: 10_000 },
      { retainMessageTextDays: 1 },
      { pushTtlHours: 1 },
      { contentFreePush: !before.contentFreePush },
    ]) {
      const res = await scoped.api('PATCH', '/v1/tenant/settings', patch);
      expect(res.status, JSON.stringify(patch)).toBe(403);
      expect(res.body.error.message).toBe(
        'This needs the Organization.Update permission over the whole tenant (tenant settings apply to every group and device).',
      );
    }
    expect(await settings()).toEqual(before);
    // reading them (the limits its own sends count against) stays open to it
    expect((await scoped.api('GET', '/v1/tenant/settings')).status).toBe(200);
  });

  it('lets Organization.Update over the whole tenant change them', async () => {
    const operator = await accountWith(herald, [{ roleId: await customRole(herald, ['Organization.Update']) }]);
    const res = await operator.api('PATCH', '/v1/tenant/settings', { groupSendsPerHour: 7 });
    expect(res.status).toBe(200);
    expect(res.body.groupSendsPerHour).toBe(7);
  });
});

describe('the settings a write transaction reads', () => {
  it('are those the API shows, each a value of its type (contentFreePush a boolean), whatever they were set to', async () => {
    const read = () => herald.database.write((tx) => readSettingsIn(tx, herald.admin.tenantId));
    expect(await read()).toEqual(await settings());
    const before = await settings();
    const patch = { groupSendsPerHour: 7, pushTtlHours: 3, contentFreePush: !before.contentFreePush };
    expectStatus(await herald.admin.api('PATCH', '/v1/tenant/settings', patch), 200);
    try {
      const changed = await read();
      expect(changed).toEqual(await settings());
      expect(changed).toMatchObject(patch);
      expect(typeof changed.contentFreePush).toBe('boolean');
    } finally {
      const { groupSendsPerHour, pushTtlHours, contentFreePush } = before;
      expectStatus(await herald.admin.api('PATCH', '/v1/tenant/settings', { groupSendsPerHour, pushTtlHours, contentFreePush }), 200);
    }
  });
});
