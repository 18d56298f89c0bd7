import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { group, importDirectory, phone, user } from '../../helpers/directory';
import { startTestHerald, type Api, type TestHerald } from '../../helpers/herald';
import { accountWith, customRole } from '../../helpers/rbac';

let herald: TestHerald;
const admin = () => herald.admin.api;

beforeAll(async () => {
  herald = await startTestHerald();
  await importDirectory(admin(), {
    users: [
      { id: 'u-ada', upn: 'ada.lovelace@contoso.example', displayName: 'Ada Lovelace' },
      { id: 'u-alan', upn: 'alan.turing@contoso.example', displayName: 'Alan Turing' },
      { id: 'u-grace', upn: 'grace.hopper@contoso.example', displayName: 'Grace Hopper' },
      { id: 'u-pct', upn: 'percent@contoso.example', displayName: '100% Sure' },
      { id: 'u-edsger', upn: 'edsger@contoso.example', displayName: 'Edsger Dijkstra' },
    ],
    devices: [
      phone('d-ada-1', 'u-ada', { name: "Ada's iPhone", serialNumber: 'F2LXK1' }),
      phone('d-alan-1', 'u-alan', {
        name: "Alan's Pixel",
        platform: 'android',
        push: { service: 'fcm', token: 'secret-fcm-token' },
        serialNumber: 'R58M9',
      }),
      phone('d-grace-1', 'u-grace', { name: "Grace's iPad", platform: 'ipados' }),
      phone('d-kiosk', null, { name: 'Lobby kiosk' }),
    ],
    groups: [
      group('g-scope', [
        { type: 'user', id: 'u-ada' },
        { type: 'group', id: 'g-nested' },
        { type: 'device', id: 'd-kiosk' },
      ]),
      group('g-nested', [{ type: 'user', id: 'u-alan' }]),
      group('g-other', [
        { type: 'user', id: 'u-grace' },
        { type: 'group', id: 'g-scope' },
      ]),
    ],
  });
});
afterAll(() => herald.close());

const ids = (body: { items: { id: string }[] }) => body.items.map((i) => i.id);

describe('directory lists', () => {
  it('search matches a prefix or any part of displayName and upn, ignoring ASCII case', async () => {
    expect(ids((await admin()('GET', '/v1/users?search=al')).body)).toEqual(['u-alan']);
    expect(ids((await admin()('GET', '/v1/users?search=HOPPER')).body)).toEqual(['u-grace']);
    expect(ids((await admin()('GET', '/v1/users?search=ada.love')).body)).toEqual(['u-ada']);
  });

  it('takes % and _ in a search literally', async () => {
    expect(ids((await admin()('GET', '/v1/users?search=%25')).body)).toEqual(['u-pct']);
    expect(ids((await admin()('GET', '/v1/users?search=_')).body)).toEqual([]);
  });

  it('searches devices by name and serial number, and groups by display name', async () => {
    expect(ids((await admin()('GET', '/v1/devices?search=pixel')).body)).toEqual(['d-alan-1']);
    expect(ids((await admin()('GET', '/v1/devices?search=f2lx')).body)).toEqual(['d-ada-1']);
    expect(ids((await admin()('GET', '/v1/groups?search=group%20g-n')).body)).toEqual(['g-nested']);
  });

  it("finds devices by their owner's UPN or display name", async () => {
    expect(ids((await admin()('GET', '/v1/devices?search=grace.hopper')).body)).toEqual(['d-grace-1']);
    expect(ids((await admin()('GET', '/v1/devices?search=turing')).body)).toEqual(['d-alan-1']);
  });

  it('pages through every object once with opaque cursors', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: { body: { items: { id: string }[]; nextCursor: string | null } } = await admin()(
        'GET',
        `/v1/users?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      seen.push(...ids(res.body));
      cursor = res.body.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual(['u-ada', 'u-alan', 'u-edsger', 'u-grace', 'u-pct']);
  });

  it('answers 400 for a cursor it did not issue and for a limit over 200', async () => {
    expect((await admin()('GET', '/v1/users?cursor=bm90LWEtY3Vyc29y')).status).toBe(400);
    expect((await admin()('GET', '/v1/users?limit=201')).status).toBe(400);
  });

  it('shows a device with its owner and whether it has a push token, never the token', async () => {
    const res = await admin()('GET', '/v1/devices/d-alan-1');
    expect(res.body).toEqual({
      id: 'd-alan-1',
      name: "Alan's Pixel",
      platform: 'android',
      enrolledByUserId: 'u-alan',
      user: { id: 'u-alan', upn: 'alan.turing@contoso.example', displayName: 'Alan Turing', preferredLanguage: null },
      managementState: 'enrolled',
      app: 'companyPortal',
      appVersion: '5.0.6000.0',
      push: { service: 'fcm', hasToken: true },
      notificationsPermitted: true,
      serialNumber: 'R58M9',
    });
    const list = await admin()('GET', '/v1/devices');
    expect(JSON.stringify(list.body)).not.toContain('secret-fcm-token');
  });

  it("shows a group's direct member counts", async () => {
    expect((await admin()('GET', '/v1/groups/g-scope')).body).toEqual({
      id: 'g-scope',
      displayName: 'Group g-scope',
      memberCounts: { users: 1, devices: 1, groups: 1 },
    });
  });

  it('answers 404 for an unknown id', async () => {
    for (const kind of ['users', 'groups', 'devices']) {
      const res = await admin()('GET', `/v1/${kind}/nothing`);
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('notFound');
    }
  });
});

describe('directory deletes', () => {
  beforeAll(async () => {
    await importDirectory(admin(), {
      users: [user('del-u1'), user('del-u2')],
      devices: [phone('del-d1', 'del-u1'), phone('del-d2', 'del-u2')],
      groups: [
        group('del-parent', [
          { type: 'group', id: 'del-child' },
          { type: 'device', id: 'del-d2' },
        ]),
        group('del-child', [
          { type: 'user', id: 'del-u1' },
          { type: 'user', id: 'del-u2' },
        ]),
      ],
    });
  });

  it('deleting a user removes its memberships and leaves its devices enrolled by no one', async () => {
    expect((await admin()('DELETE', '/v1/users/del-u1')).status).toBe(204);
    expect((await admin()('GET', '/v1/users/del-u1')).status).toBe(404);
    expect((await admin()('GET', '/v1/groups/del-child')).body.memberCounts.users).toBe(1);
    expect((await admin()('GET', '/v1/devices/del-d1')).body).toMatchObject({ enrolledByUserId: null, user: null });
  });

  it('deleting a group removes its own members and its membership in other groups', async () => {
    expect((await admin()('DELETE', '/v1/groups/del-child')).status).toBe(204);
    expect((await admin()('GET', '/v1/groups/del-parent')).body.memberCounts).toEqual({ users: 0, devices: 1, groups: 0 });
    // its former members can be put in a new group of the same id without inheriting anything
    await importDirectory(admin(), { groups: [{ id: 'del-child', displayName: 'Again' }] });
    expect((await admin()('GET', '/v1/groups/del-child')).body.memberCounts).toEqual({ users: 0, devices: 0, groups: 0 });
  });

  it('deleting a device removes its memberships', async () => {
    expect((await admin()('DELETE', '/v1/devices/del-d2')).status).toBe(204);
    expect((await admin()('GET', '/v1/groups/del-parent')).body.memberCounts.devices).toBe(0);
  });

  it('answers 404 for deleting what is not there', async () => {
    expect((await admin()('DELETE', '/v1/devices/del-d2')).status).toBe(404);
  });
});

describe('directory permissions', () => {
  const forbiddenNaming = async (api: Api, method: string, path: string, permission: string, body?: unknown) => {
    const res = await api(method, path, body);
    expect(res.status, `${method} ${path}`).toBe(403);
    expect(res.body.error.message).toContain(permission);
  };

  it('asks for a token', async () => {
    expect((await herald.api()('GET', '/v1/users')).status).toBe(401);
    expect((await herald.api()('POST', '/v1/directory/import', {})).status).toBe(401);
  });

  it('lets a Read Only Operator read everything and change nothing', async () => {
    const { api } = await accountWith(herald, [{ roleId: 'readOnlyOperator' }]);
    for (const path of ['/v1/users', '/v1/groups', '/v1/devices', '/v1/users/u-ada', '/v1/groups/g-scope', '/v1/devices/d-ada-1'])
      expect((await api('GET', path)).status, path).toBe(200);
    await forbiddenNaming(api, 'POST', '/v1/directory/import', 'Organization.Update', { users: [] });
    await forbiddenNaming(api, 'DELETE', '/v1/users/u-ada', 'Organization.Update');
    await forbiddenNaming(api, 'DELETE', '/v1/groups/g-scope', 'Organization.Update');
    await forbiddenNaming(api, 'DELETE', '/v1/devices/d-ada-1', 'ManagedDevices.Update');
  });

  it('keeps users and groups under Organization.* and devices under ManagedDevices.*', async () => {
    const org = await accountWith(herald, [{ roleId: await customRole(herald, ['Organization.Read', 'Organization.Update']) }]);
    await forbiddenNaming(org.api, 'GET', '/v1/devices', 'ManagedDevices.Read');
    await forbiddenNaming(org.api, 'GET', '/v1/devices/d-ada-1', 'ManagedDevices.Read');
    await forbiddenNaming(org.api, 'POST', '/v1/directory/import', 'ManagedDevices.Update', { users: [] });
    const devices = await accountWith(herald, [{ roleId: await customRole(herald, ['ManagedDevices.Read', 'ManagedDevices.Update']) }]);
    await forbiddenNaming(devices.api, 'GET', '/v1/users', 'Organization.Read');
    await forbiddenNaming(devices.api, 'GET', '/v1/groups/g-scope', 'Organization.Read');
    await forbiddenNaming(devices.api, 'POST', '/v1/directory/import', 'Organization.Update', { users: [] });
  });

  it('refuses the import before reading the body', async () => {
    const { api } = await accountWith(herald, [{ roleId: 'readOnlyOperator' }]);
    const res = await api('POST', '/v1/directory/import', '{not json', { 'content-type': 'application/json' });
    expect(res.status).toBe(403);
  });
});

describe('scoped reads', () => {
  let scoped: Api;
  beforeAll(async () => {
    scoped = (await accountWith(herald, [{ roleId: 'readOnlyOperator', scope: { type: 'groups', groupIds: ['g-scope'] } }])).api;
  });

  it('lists only the users and groups within the scope groups, transitively', async () => {
    expect(ids((await scoped('GET', '/v1/users')).body)).toEqual(['u-ada', 'u-alan']);
    expect(ids((await scoped('GET', '/v1/groups')).body)).toEqual(['g-nested', 'g-scope']);
  });

  it('lists the devices that are members themselves or enrolled by a member', async () => {
    expect(ids((await scoped('GET', '/v1/devices')).body)).toEqual(['d-ada-1', 'd-alan-1', 'd-kiosk']);
  });

  it('answers 404 for single objects outside the scope', async () => {
    expect((await scoped('GET', '/v1/users/u-alan')).status).toBe(200);
    for (const path of ['/v1/users/u-grace', '/v1/groups/g-other', '/v1/devices/d-grace-1'])
      expect((await scoped('GET', path)).status, path).toBe(404);
  });

  it('searches within the scope only', async () => {
    expect(ids((await scoped('GET', '/v1/users?search=grace')).body)).toEqual([]);
  });

  it('refuses an import to a grant scoped to groups, and deletes outside the scope', async () => {
    const role = await customRole(herald, ['Organization.Read', 'Organization.Update', 'ManagedDevices.Read', 'ManagedDevices.Update']);
    const { api } = await accountWith(herald, [{ roleId: role, scope: { type: 'groups', groupIds: ['g-nested'] } }]);
    const imported = await api('POST', '/v1/directory/import', { users: [] });
    expect(imported.status).toBe(403);
    expect(imported.body.error.message).toContain('Organization.Update');
    const outside = await api('DELETE', '/v1/users/u-grace');
    expect(outside.status).toBe(403);
    expect(outside.body.error.message).toContain('Organization.Update');
    await importDirectory(admin(), {
      users: [user('u-scoped-victim')],
      groups: [
        group('g-nested', [
          { type: 'user', id: 'u-alan' },
          { type: 'user', id: 'u-scoped-victim' },
        ]),
      ],
    });
    expect((await api('DELETE', '/v1/users/u-scoped-victim')).status).toBe(204);
  });
});

describe('tenant isolation', () => {
  it('keeps objects with the same id in two tenants apart', async () => {
    const other = await herald.newTenant('Fabrikam');
    await importDirectory(other.api, {
      users: [{ id: 'u-ada', upn: 'ada@fabrikam.example', displayName: 'Other Ada' }],
      devices: [phone('d-fab', 'u-ada')],
    });
    expect((await other.api('GET', '/v1/users/u-ada')).body.upn).toBe('ada@fabrikam.example');
    expect((await admin()('GET', '/v1/users/u-ada')).body.upn).toBe('ada.lovelace@contoso.example');
    expect(ids((await other.api('GET', '/v1/users')).body)).toEqual(['u-ada']);
    expect(ids((await other.api('GET', '/v1/devices')).body)).toEqual(['d-fab']);
    expect((await other.api('GET', '/v1/devices/d-ada-1')).status).toBe(404);
    expect((await other.api('GET', '/v1/groups/g-scope')).status).toBe(404);
    expect((await other.api('DELETE', '/v1/groups/g-scope')).status).toBe(404);
    expect((await admin()('GET', '/v1/devices/d-fab')).status).toBe(404);
    expect((await admin()('GET', '/v1/devices/d-ada-1')).body.user.displayName).toBe('Ada Lovelace');
  });

  it('refuses a member that exists only in another tenant', async () => {
    const other = await herald.newTenant('Northwind');
    const res = await other.api('POST', '/v1/directory/import', { groups: [group('g-x', [{ type: 'user', id: 'u-ada' }])] });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain("user 'u-ada'");
  });
});
