import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deviceClient } from '../../helpers/dispatch';
import { fakeUser, managedIphone as iphone, startSyncedHerald, type SyncedHerald } from '../../helpers/graph';
import { expectStatus } from '../../helpers/rbac';

let s: SyncedHerald;

beforeEach(async () => {
  s = await startSyncedHerald({ fake: { pageSize: 2 } });
});
afterEach(() => s.close());

const ids = (page: { items: { id: string }[] }) => page.items.map((i) => i.id).sort();
const get = async (path: string) => expectStatus(await s.herald.admin.api('GET', path), 200);

describe('a full sync from Microsoft Graph', () => {
  it('follows nextLink over every page, merges a group split over two entries, and maps devices as the issue says', async () => {
    s.fake.state.splitGroups = true;
    for (const id of ['u1', 'u2', 'u3', 'u4', 'u5']) s.fake.addUser(fakeUser(id));
    s.fake.addGroup('g1', 'Leeds office', [
      { type: 'user', id: 'u1' },
      { type: 'user', id: 'u2' },
      { type: 'user', id: 'u3' },
      { type: 'group', id: 'g2' },
      { type: 'device', id: 'entra-device-1' },
    ]);
    s.fake.addGroup('g2', 'Nested', [{ type: 'user', id: 'u4' }]);
    s.fake.setDevice(iphone('d-ios', 'u1'));
    s.fake.setDevice(iphone('d-ipad', 'u2', { operatingSystem: 'iPadOS' }));
    s.fake.setDevice(iphone('d-android', 'u3', { operatingSystem: 'AndroidForWork' }));
    s.fake.setDevice(iphone('d-mac', 'u3', { operatingSystem: 'macOS' }));
    s.fake.setDevice(iphone('d-win', 'u3', { operatingSystem: 'Windows' }));
    s.fake.setDevice(iphone('d-linux', 'u3', { operatingSystem: 'Linux' }));
    s.fake.setDevice(iphone('d-retired', 'ghost-user', { managementState: 'retirePending' }));

    await s.connect();
    const sync = await s.sync();

    expect(sync).toMatchObject({ kind: 'full', status: 'succeeded', error: null });
    expect(sync.counts).toEqual({
      users: { added: 5, updated: 0, removed: 0 },
      groups: { added: 2, updated: 0, removed: 0 },
      devices: { added: 7, updated: 0, removed: 0 },
    });
    // pages of 2: users 3 pages, groups (2 entries + g1's second half) 2 pages, devices 4 pages
    expect(s.fake.state.requests.filter((r) => r.includes('$skiptoken')).length).toBe(2 + 1 + 3);

    const g1 = await get('/v1/groups/g1');
    expect(g1.memberCounts).toEqual({ users: 3, devices: 1, groups: 1 });
    const devices = await get('/v1/devices?limit=50');
    const byId = Object.fromEntries(devices.items.map((d: any) => [d.id, d]));
    expect(byId['d-ios']).toMatchObject({
      platform: 'ios',
      managementState: 'enrolled',
      enrolledByUserId: 'u1',
      serialNumber: 'SN-d-ios',
      push: null,
      notificationsPermitted: true,
    });
    expect(byId['d-ipad'].platform).toBe('ipados');
    expect(byId['d-android'].platform).toBe('android');
    expect(byId['d-mac'].platform).toBe('macos');
    expect(byId['d-win'].platform).toBe('windows');
    expect(byId['d-linux'].platform).toBe('other');
    // an unknown Intune user is kept as null, not an error; anything but `managed` is unenrolled
    expect(byId['d-retired']).toMatchObject({ enrolledByUserId: null, managementState: 'unenrolled' });
    // Entra device objects are group members, never devices
    expect(byId['entra-device-1']).toBeUndefined();

    // g1 reaches u1..u4 (g2 nested); the other-platform and desktop devices are skipped as unsupported
    const { audience } = expectStatus(await s.herald.admin.api('POST', '/v1/notifications/preview', { groupIds: ['g1'] }), 200);
    expect(audience.users).toBe(4);
    expect(audience.skipped.unsupportedPlatform).toBe(3);
  });
});

describe('an incremental sync', () => {
  beforeEach(async () => {
    for (const id of ['u1', 'u2', 'u3']) s.fake.addUser(fakeUser(id));
    s.fake.addGroup('g1', 'Leeds', [
      { type: 'user', id: 'u1' },
      { type: 'user', id: 'u2' },
    ]);
    s.fake.addGroup('g2', 'York', [{ type: 'user', id: 'u3' }]);
    s.fake.setDevice(iphone('d1', 'u1'));
    s.fake.setDevice(iphone('d2', 'u2'));
    s.fake.setDevice(iphone('d3', 'u3'));
    await s.connect();
    expect((await s.sync()).status).toBe('succeeded');
  });

  it("reads each user's preferredLanguage from Entra, canonical, and applies changes to it; a group send then picks the translation", async () => {
    s.fake.addUser({ ...fakeUser('u1'), preferredLanguage: 'fr-ca' });
    s.fake.addUser({ ...fakeUser('u2'), preferredLanguage: 'not a language!' });
    expect((await s.sync()).counts?.users).toEqual({ added: 0, updated: 1, removed: 0 });
    expect((await get('/v1/users/u1')).preferredLanguage).toBe('fr-CA');
    expect((await get('/v1/users/u2')).preferredLanguage).toBeNull();
    expect((await get('/v1/users/u3')).preferredLanguage).toBeNull();
    expect((await get('/v1/devices/d1')).user.preferredLanguage).toBe('fr-CA');

    // the synced devices have no push token yet: their deliveries are skipped, but still carry the variant chosen
    const translations = { 'fr-FR': { title: 'Bonjour', body: 'Le bureau ferme à 16 h.' } };
    const send = { title: 'Hello', body: 'The office closes at 16:00.', translations, groupIds: ['g1'] };
    const { id } = expectStatus(await s.herald.admin.api('POST', '/v1/notifications', send), 202);
    const { items } = await get(`/v1/notifications/${id}/deliveries`);
    expect(items.map((d: { deviceId: string; language: string | null }) => [d.deviceId, d.language])).toEqual([
      ['d1', 'fr-FR'],
      ['d2', null],
    ]);

    s.fake.addUser({ ...fakeUser('u1'), preferredLanguage: null });
    expect((await s.sync()).counts?.users).toEqual({ added: 0, updated: 1, removed: 0 });
    expect((await get('/v1/users/u1')).preferredLanguage).toBeNull();
  });

  it('calls the stored delta links and applies @removed users, groups and members', async () => {
    s.fake.removeUser('u3');
    s.fake.removeGroup('g2');
    s.fake.removeMember('g1', { type: 'user', id: 'u2' });
    s.fake.addUser(fakeUser('u4'));
    s.fake.addMember('g1', { type: 'user', id: 'u4' });
    s.fake.removeDevice('d3');
    s.fake.state.requests.length = 0;

    const sync = await s.sync();

    expect(sync).toMatchObject({ kind: 'incremental', status: 'succeeded' });
    expect(sync.counts).toEqual({
      users: { added: 1, updated: 0, removed: 1 },
      groups: { added: 0, updated: 1, removed: 1 },
      devices: { added: 0, updated: 0, removed: 1 },
    });
    expect(
      s.fake.state.requests.filter((r) => r.includes('/delta?') && !r.includes('$skiptoken')).every((r) => r.includes('$deltatoken=')),
    ).toBe(true);
    expect(ids(await get('/v1/users'))).toEqual(['u1', 'u2', 'u4']);
    expect(ids(await get('/v1/groups'))).toEqual(['g1']);
    expect((await get('/v1/groups/g1')).memberCounts.users).toBe(2);
    expect(ids(await get('/v1/devices'))).toEqual(['d1', 'd2']);
  });

  it('writes the devices that changed: a rename, a device whose user Herald did not have yet, a new one, a removed one', async () => {
    s.fake.setDevice(iphone('d4', 'u9'));
    expect((await s.sync()).counts?.devices).toEqual({ added: 1, updated: 0, removed: 0 });
    expect((await get('/v1/devices/d4')).enrolledByUserId).toBeNull();

    s.fake.addUser(fakeUser('u9'));
    s.fake.setDevice(iphone('d1', 'u1', { deviceName: 'Renamed' }));
    s.fake.setDevice(iphone('d5', 'u2'));
    s.fake.removeDevice('d2');
    const sync = await s.sync();

    expect(sync.counts?.devices).toEqual({ added: 1, updated: 2, removed: 1 });
    expect((await get('/v1/devices/d4')).enrolledByUserId).toBe('u9');
    expect((await get('/v1/devices/d1')).name).toBe('Renamed');
    expect(ids(await get('/v1/devices'))).toEqual(['d1', 'd3', 'd4', 'd5']);
  });

  it('a group send after it reaches exactly the new membership', async () => {
    s.fake.removeMember('g1', { type: 'user', id: 'u1' });
    s.fake.addMember('g1', { type: 'user', id: 'u3' });
    // the devices check in, so they can be reached
    for (const id of ['d1', 'd2', 'd3']) {
      const device = await deviceClient(s.herald, s.herald.admin.api, id);
      expectStatus(
        await device('POST', '/v1/device/checkin', {
          push: { service: 'apns', token: id.padEnd(64, 'a') },
          app: 'companyPortal',
          appVersion: '5.0.6000.0',
        }),
        200,
      );
    }
    await s.sync();

    const sent = expectStatus(
      await s.herald.admin.api('POST', '/v1/notifications', { title: 'Closed', body: 'The office is closed.', groupIds: ['g1'] }),
      202,
    );
    const deliveries = expectStatus(await s.herald.admin.api('GET', `/v1/notifications/${sent.id}/deliveries?limit=50`), 200);
    expect(deliveries.items.map((d: any) => d.deviceId).sort()).toEqual(['d2', 'd3']);
  });

  it('never clears what a device reported at check-in', async () => {
    const device = await deviceClient(s.herald, s.herald.admin.api, 'd1');
    expectStatus(
      await device('POST', '/v1/device/checkin', {
        push: { service: 'apns', token: 'b'.repeat(64) },
        app: 'companyPortal',
        appVersion: '5.0.6100.0',
        notificationsPermitted: false,
      }),
      200,
    );
    s.fake.setDevice(iphone('d1', 'u1', { deviceName: 'Renamed iPhone' }));

    expect((await s.sync({ full: true })).status).toBe('succeeded');
    expect((await s.sync()).status).toBe('succeeded');

    expect(await get('/v1/devices/d1')).toMatchObject({
      name: 'Renamed iPhone',
      app: 'companyPortal',
      appVersion: '5.0.6100.0',
      push: { service: 'apns', hasToken: true },
      notificationsPermitted: false,
    });
  });

  it('falls back to a full round when Graph says a delta link expired (410), removing what the round no longer lists', async () => {
    s.fake.expireDeltaLinks();
    s.fake.removeUser('u2');
    s.fake.removeGroup('g2');
    s.fake.state.requests.length = 0;

    const sync = await s.sync();

    expect(sync.status).toBe('succeeded');
    // it began as incremental and says what it became
    expect(sync.kind).toBe('full');
    expect(s.fake.state.requests.filter((r) => r.startsWith('/v1.0/users/delta?$select'))).toHaveLength(1);
    expect(ids(await get('/v1/users'))).toEqual(['u1', 'u3']);
    expect(ids(await get('/v1/groups'))).toEqual(['g1']);
    // the next sync is incremental again, from the new links
    s.fake.state.requests.length = 0;
    expect((await s.sync()).kind).toBe('incremental');
    expect(s.fake.state.requests.some((r) => r.includes('$deltatoken='))).toBe(true);
  });

  it('never removes objects a hand import created', async () => {
    expectStatus(
      await s.herald.admin.api('POST', '/v1/directory/import', {
        users: [{ id: 'local', upn: 'local@contoso.example', displayName: 'Local' }],
        groups: [{ id: 'gl', displayName: 'Local group', members: [{ type: 'user', id: 'local' }] }],
      }),
      200,
    );
    expect((await s.sync({ full: true })).status).toBe('succeeded');
    expect(ids(await get('/v1/users'))).toEqual(['local', 'u1', 'u2', 'u3']);
    expect(ids(await get('/v1/groups'))).toEqual(['g1', 'g2', 'gl']);
  });
});

describe('a member a hand import added to a synced group', () => {
  beforeEach(async () => {
    for (const id of ['u1', 'u2']) s.fake.addUser(fakeUser(id));
    s.fake.addGroup('g1', 'Leeds', [
      { type: 'user', id: 'u1' },
      { type: 'user', id: 'u2' },
    ]);
    await s.connect();
    expect((await s.sync()).status).toBe('succeeded');
    // the import lists the group's members whole, as an import does, with one more of its own
    expectStatus(
      await s.herald.admin.api('POST', '/v1/directory/import', {
        users: [{ id: 'local', upn: 'local@contoso.example', displayName: 'Local' }],
        groups: [
          {
            id: 'g1',
            displayName: 'Leeds',
            members: [
              { type: 'user', id: 'u1' },
              { type: 'user', id: 'u2' },
              { type: 'user', id: 'local' },
            ],
          },
        ],
      }),
      200,
    );
  });

  const members = async () =>
    expectStatus(await s.herald.admin.api('POST', '/v1/notifications/preview', { groupIds: ['g1'] }), 200).audience.users as number;

  it('stays through a full and an incremental sync, while a member Graph removes leaves', async () => {
    expect((await s.sync({ full: true })).status).toBe('succeeded');
    expect(await members()).toBe(3);

    s.fake.removeMember('g1', { type: 'user', id: 'u2' });
    const incremental = await s.sync();
    expect(incremental).toMatchObject({ kind: 'incremental', status: 'succeeded' });
    expect(incremental.counts?.groups.updated).toBe(1);
    expect(await members()).toBe(2);

    s.fake.removeMember('g1', { type: 'user', id: 'u1' });
    s.fake.expireDeltaLinks();
    const full = await s.sync();
    expect(full).toMatchObject({ kind: 'full', status: 'succeeded' });
    // only `local` is left: the full round dropped u1, which Graph no longer lists
    expect(await members()).toBe(1);
    expect(ids(await get('/v1/users'))).toEqual(['local', 'u1', 'u2']);
  });
});
