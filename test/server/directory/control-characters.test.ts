import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { group, importDirectory, phone, user } from '../../helpers/directory';
import { deviceClient } from '../../helpers/dispatch';
import { startTestHerald, type ApiResponse, type TestHerald } from '../../helpers/herald';
import { expectStatus } from '../../helpers/rbac';

let herald: TestHerald;
const api = () => herald.admin.api;
const text = { title: 'Ids', body: 'No control characters.' };

beforeAll(async () => {
  herald = await startTestHerald();
  await importDirectory(api(), { users: [user('u1')], devices: [phone('d1', 'u1')], groups: [group('g1', [{ type: 'user', id: 'u1' }])] });
});
afterAll(() => herald.close());

/** A C0 control, DEL and a C1 control at the start, inside and at the end of an id. */
const controls = [
  { char: '\u0000', code: 'U+0000' },
  { char: '\t', code: 'U+0009' },
  { char: '\u001f', code: 'U+001F' },
  { char: '\u007f', code: 'U+007F' },
  { char: '\u0085', code: 'U+0085' },
  { char: '\u009f', code: 'U+009F' },
];

function expectRefused(res: ApiResponse, field: string, code: string, label: string) {
  expect(res.status, `${label}: ${JSON.stringify(res.body)}`).toBe(400);
  expect(res.body.error.code, label).toBe('invalidRequest');
  expect(res.body.error.message, label).toMatch(
    new RegExp(
      `^${field.replace(/\./g, '\\.')}: must not contain control characters; found ${code.replace('+', '\\+')} at position \\d+\\.$`,
    ),
  );
}

describe('control characters in ids and search text', () => {
  it('refuses them in every id of an import body, naming the field, and imports nothing', async () => {
    for (const { char, code } of controls) {
      const bad = `x${char}y`;
      const bodies: [string, unknown][] = [
        ['users.0.id', { users: [user(bad)] }],
        ['devices.0.id', { devices: [phone(bad, 'u1')] }],
        ['devices.0.enrolledByUserId', { devices: [phone('d2', bad)] }],
        ['groups.0.id', { groups: [group(bad)] }],
        ['groups.0.members.0.id', { groups: [group('g2', [{ type: 'user', id: bad }])] }],
      ];
      for (const [field, body] of bodies) expectRefused(await api()('POST', '/v1/directory/import', body), field, code, `${field} ${code}`);
    }
    expect((await api()('GET', '/v1/devices/d2')).status).toBe(404);
    expect((await api()('GET', '/v1/groups/g2')).status).toBe(404);
  });

  it('no longer lets an id with a NUL stand for its prefix: x\\0y is refused, x is still its own object', async () => {
    expectRefused(await api()('POST', '/v1/directory/import', { users: [user('u1\u0000evil')] }), 'users.0.id', 'U+0000', 'NUL');
    expect(expectStatus(await api()('GET', '/v1/users/u1'), 200).displayName).toBe('User u1');
  });

  it('refuses them in path ids of users, groups and devices, reading and deleting', async () => {
    for (const encoded of ['%00', '%1F', '%7F', '%C2%85']) {
      for (const kind of ['users', 'groups', 'devices'])
        for (const method of ['GET', 'DELETE'])
          expectRefused(await api()(method, `/v1/${kind}/u1${encoded}`), 'id', codeOf(encoded), `${method} ${kind}`);
      expectRefused(await api()('POST', `/v1/devices/d1${encoded}/credentials`), 'id', codeOf(encoded), 'credentials');
      expectRefused(await api()('GET', `/v1/notifications/n${encoded}`), 'id', codeOf(encoded), 'notification');
      expectRefused(await api()('GET', `/v1/notifications/n${encoded}/deliveries`), 'id', codeOf(encoded), 'deliveries');
    }
    expect(expectStatus(await api()('GET', '/v1/users/u1'), 200).id).toBe('u1');
  });

  it("refuses them in the notification id of a device's receipt", async () => {
    const device = await deviceClient(herald, api(), 'd1');
    const res = await device('POST', '/v1/device/notifications/n%00/receipt', { state: 'delivered' });
    expectRefused(res, 'id', 'U+0000', 'receipt');
  });

  it('refuses them in the group and device ids of a send, a preview, a Graph send and the quota query', async () => {
    for (const { char, code } of controls) {
      expectRefused(
        await api()('POST', '/v1/notifications', { ...text, groupIds: ['g1', `g1${char}`] }),
        'groupIds.1',
        code,
        'send groups',
      );
      expectRefused(await api()('POST', '/v1/notifications', { ...text, deviceId: `d1${char}` }), 'deviceId', code, 'send device');
      expectRefused(await api()('POST', '/v1/notifications/preview', { ...text, groupIds: [`g1${char}`] }), 'groupIds.0', code, 'preview');
      expectRefused(
        await api()('POST', '/beta/deviceManagement/sendCustomNotificationToCompanyPortal', {
          notificationTitle: 'T',
          notificationBody: 'B',
          groupsToNotify: [`${char}g1`],
        }),
        'groupsToNotify.0',
        code,
        'graph groups',
      );
      expectRefused(await api()('GET', `/v1/quotas?deviceId=${encodeURIComponent(`d1${char}`)}`), 'deviceId', code, 'quota');
    }
    expectRefused(
      await api()('POST', '/v1.0/deviceManagement/managedDevices/d1%00/sendCustomNotificationToCompanyPortal', {
        notificationTitle: 'T',
        notificationBody: 'B',
      }),
      'managedDeviceId',
      'U+0000',
      'graph device',
    );
    expect(expectStatus(await api()('GET', '/v1/quotas?deviceId=d1'), 200).device.used).toBe(0);
  });

  it('refuses them in search text instead of matching every row', async () => {
    for (const { char, code } of controls)
      for (const kind of ['users', 'groups', 'devices'])
        expectRefused(await api()('GET', `/v1/${kind}?search=${encodeURIComponent(`u${char}1`)}`), 'search', code, `${kind} search`);
    expectRefused(await api()('GET', '/v1/users?search=%00'), 'search', 'U+0000', 'a NUL alone');
  });

  it('still accepts ids and search text next to the control ranges: spaces, U+00A0 and accented letters', async () => {
    const ids = ['a b', 'no\u00a0break', 'café', 'x~y'];
    await importDirectory(api(), { users: ids.map(user) });
    for (const id of ids) expect(expectStatus(await api()('GET', `/v1/users/${encodeURIComponent(id)}`), 200).id).toBe(id);
    expect(
      expectStatus(await api()('GET', `/v1/users?search=${encodeURIComponent('café')}`), 200).items.map((u: { id: string }) => u.id),
    ).toEqual(['café']);
  });
});

/** The code point a percent-encoded control character names. */
function codeOf(encoded: string): string {
  const char = decodeURIComponent(encoded);
  return `U+${char.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
}
