import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deviceApi } from '../../helpers/dispatch';
import { importDirectory, phone, user } from '../../helpers/directory';
import { startEntraHerald, type EntraHerald } from '../../helpers/entra';
import { expectStatus } from '../../helpers/rbac';

let s: EntraHerald;
// Intune users are Entra users: the directory's user id is the token's oid
const ann = randomUUID();
const bob = randomUUID();

beforeAll(async () => {
  s = await startEntraHerald();
  await importDirectory(s.herald.admin.api, {
    users: [user(ann), user(bob)],
    devices: [phone('ann-phone', ann), phone('bob-phone', bob), phone('ann-old-phone', ann, { managementState: 'unenrolled' })],
    groups: [],
  });
});
afterAll(() => s?.close());

const enroll = async (oid: string, deviceId: string) =>
  (await s.signedIn({ oid, roles: undefined }))('POST', '/v1/device/enroll', { deviceId });

describe('POST /v1/device/enroll', () => {
  it('enrols the device of the signed-in user with no Herald permission: 201 with a credential the device app then uses', async () => {
    const res = await enroll(ann, 'ann-phone');
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ deviceId: 'ann-phone', secret: expect.stringMatching(/^hrdv_[A-Za-z0-9_-]{43}$/) });
    const device = deviceApi(s.herald, 'ann-phone', res.body.secret);
    expect((await device('GET', '/v1/device/notifications')).status).toBe(200);
  });

  it('enrolling again replaces the secret: the old one stops working', async () => {
    const first = expectStatus(await enroll(ann, 'ann-phone'), 201);
    const second = expectStatus(await enroll(ann, 'ann-phone'), 201);
    expect(second.secret).not.toBe(first.secret);
    expect((await deviceApi(s.herald, 'ann-phone', first.secret)('GET', '/v1/device/notifications')).status).toBe(401);
    expect((await deviceApi(s.herald, 'ann-phone', second.secret)('GET', '/v1/device/notifications')).status).toBe(200);
  });

  it("is 403 for another user's device, 404 for an unknown one, 400 notEnrolled for an unenrolled one", async () => {
    const other = await enroll(ann, 'bob-phone');
    expect(other.status).toBe(403);
    expect(other.body.error.message).toMatch(/not yours/);
    expect((await enroll(ann, 'no-such-phone')).status).toBe(404);
    const unenrolled = await enroll(ann, 'ann-old-phone');
    expect(unenrolled.status).toBe(400);
    expect(unenrolled.body.error.code).toBe('notEnrolled');
  });

  it('refuses a Herald API token (a device enrols as its user) and an Administrator app role does not enrol the devices of others', async () => {
    const byToken = await s.herald.admin.api('POST', '/v1/device/enroll', { deviceId: 'bob-phone' });
    expect(byToken.status).toBe(403);
    expect(byToken.body.error.message).toMatch(/Entra ID/);
    const admin = await s.signedIn({ roles: ['Herald.Administrator'] });
    expect((await admin('POST', '/v1/device/enroll', { deviceId: 'bob-phone' })).status).toBe(403);
  });

  it('needs a sign-in: no token is 401, and admin-issued credentials keep working beside enrolment', async () => {
    expect((await s.herald.api()('POST', '/v1/device/enroll', { deviceId: 'bob-phone' })).status).toBe(401);
    const issued = expectStatus(await s.herald.admin.api('POST', '/v1/devices/bob-phone/credentials'), 201);
    expect((await deviceApi(s.herald, 'bob-phone', issued.secret)('GET', '/v1/device/notifications')).status).toBe(200);
  });
});
