import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fireDue } from '../../../server/notifications/fire';
import { group, importDirectory, phone, user } from '../../helpers/directory';
import { startTestHerald, type Api, type TestHerald } from '../../helpers/herald';
import { expectStatus } from '../../helpers/rbac';

let herald: TestHerald;
const MINUTE = 60_000;
const text = { title: 'Office closes early', body: 'The office closes at 16:00 today.' };

beforeAll(async () => {
  herald = await startTestHerald();
});
afterAll(() => herald.close());

/** A tenant of its own per test, so each starts with empty quotas. */
async function freshTenant(name: string) {
  const tenant = await herald.newTenant(name);
  await importDirectory(tenant.api, {
    users: [user('u1'), user('u2')],
    devices: [phone('d1', 'u1'), phone('d2', 'u2')],
    groups: [group('g1', [{ type: 'user', id: 'u1' }])],
  });
  return tenant.api;
}

const at = (minutes: number) => new Date(herald.clock.now() + minutes * MINUTE).toISOString();
const send = (api: Api, target: object, minutes?: number) =>
  api('POST', '/v1/notifications', { ...text, ...target, ...(minutes !== undefined && { sendAt: at(minutes) }) });

describe('the group quota over time', () => {
  it('schedules 25 group sends within one hour, refuses a 26th with 429 naming the full hour, and takes it once one is canceled', async () => {
    const api = await freshTenant('Hours');
    const ids: string[] = [];
    for (let i = 0; i < 25; i++) ids.push(expectStatus(await send(api, { groupIds: ['g1'] }, 120 + i), 202).id);
    const refused = await send(api, { groupIds: ['g1'] }, 150);
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe('quotaExceeded');
    expect(refused.body.error.message).toMatch(/group send \(per tenant\) quota of 25 per hour is full in the hour from .+ to .+ 25 sends/);
    expect(refused.body.error.details).toMatchObject({ limit: 25, hourStart: expect.any(String), hourEnd: expect.any(String) });
    expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
    // an hour clear of them is free
    expect((await send(api, { groupIds: ['g1'] }, 120 + 24 + 61)).status).toBe(202);
    expectStatus(await api('POST', `/v1/notifications/${ids[3]}/cancel`), 200);
    expect((await send(api, { groupIds: ['g1'] }, 150)).status).toBe(202);
    expect((await send(api, { groupIds: ['g1'] }, 151)).status).toBe(429);
  });

  it('accepts exactly 25 of 40 simultaneous sends scheduled into one hour', async () => {
    const api = await freshTenant('Race');
    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => send(api, { groupIds: ['g1'] }, 200 + (i % 30))));
    expect(answers.filter((a) => a.status === 202)).toHaveLength(25);
    expect(answers.filter((a) => a.status === 429)).toHaveLength(15);
  });

  it('counts sends scheduled within the next hour against a send made now', async () => {
    const api = await freshTenant('Now');
    for (let i = 0; i < 20; i++) expectStatus(await send(api, { groupIds: ['g1'] }), 202);
    for (let i = 0; i < 5; i++) expectStatus(await send(api, { groupIds: ['g1'] }, 30 + i), 202);
    const now = await send(api, { groupIds: ['g1'] });
    expect(now.status).toBe(429);
    expect(now.body.error.message).toMatch(/full in the hour from/);
    // a scheduled send that the past hour's sends leave room for, later on, is still refused: they stay in its hour
    expect((await send(api, { groupIds: ['g1'] }, 10)).status).toBe(429);
  });

  it('still counts a scheduled send once it fired, at its sendAt', async () => {
    const api = await freshTenant('Fired');
    for (let i = 0; i < 25; i++) expectStatus(await send(api, { groupIds: ['g1'] }, 1), 202);
    herald.clock.advance(2 * MINUTE);
    await fireDue({ database: herald.database, now: herald.clock.now });
    const list = expectStatus(await api('GET', '/v1/notifications?status=queued&limit=50'), 200);
    expect(list.items).toHaveLength(25);
    expect((await send(api, { groupIds: ['g1'] })).status).toBe(429);
    const quotas = expectStatus(await api('GET', '/v1/quotas'), 200);
    expect(quotas.groupSends.used).toBe(25);
  });
});

describe('the device quota over time', () => {
  it('schedules 10 sends to a device within an hour, refuses an 11th, frees the slot on cancel; another device is unaffected', async () => {
    const api = await freshTenant('Devices');
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) ids.push(expectStatus(await send(api, { deviceId: 'd1' }, 60 + i * 5), 202).id);
    const refused = await send(api, { deviceId: 'd1' }, 100);
    expect(refused.status).toBe(429);
    expect(refused.body.error.message).toMatch(/device send \(to device 'd1'\) quota of 10 per hour is full in the hour from/);
    // a send now falls in no hour with 10 of them
    expect((await send(api, { deviceId: 'd1' })).status).toBe(202);
    expect((await send(api, { deviceId: 'd2' }, 100)).status).toBe(202);
    expectStatus(await api('POST', `/v1/notifications/${ids[9]}/cancel`), 200);
    expect((await send(api, { deviceId: 'd1' }, 100)).status).toBe(202);
  });

  it('refuses only the full devices of a scheduled bulk send, and counts a scheduled bulk send against a single send now', async () => {
    const api = await freshTenant('Bulk');
    for (let i = 0; i < 10; i++) expectStatus(await send(api, { deviceId: 'd1' }, 20 + i), 202);
    const bulk = expectStatus(await send(api, { deviceIds: ['d1', 'd2'] }, 25), 202);
    expect(bulk.status).toBe('scheduled');
    expect(bulk.target).toEqual({ type: 'devices', deviceIds: ['d2'] });
    expect(bulk.refused).toEqual([{ deviceId: 'd1', code: 'quotaExceeded', message: expect.stringMatching(/device 'd1'/) }]);
    expect((await send(api, { deviceId: 'd1' })).status).toBe(429);
    const allFull = await send(api, { deviceIds: ['d1'] }, 26);
    expect(allFull.status).toBe(429);
  });
});

describe('GET /v1/quotas with sends scheduled', () => {
  it('reports as available only the sends made now that would be accepted, and how many are scheduled within the hour', async () => {
    const api = await freshTenant('Report');
    for (let i = 0; i < 20; i++) expectStatus(await send(api, { groupIds: ['g1'] }), 202);
    for (let i = 0; i < 3; i++) expectStatus(await send(api, { groupIds: ['g1'] }, 30 + i), 202);
    // scheduled beyond the coming hour: it holds no slot a send made now needs
    expectStatus(await send(api, { groupIds: ['g1'] }, 90), 202);
    const quotas = expectStatus(await api('GET', '/v1/quotas'), 200);
    expect(quotas.groupSends).toMatchObject({ limit: 25, used: 20, available: 2, scheduled: 3 });
    // what it says is what a send gets: exactly `available` more are accepted
    expect((await send(api, { groupIds: ['g1'] })).status).toBe(202);
    expect((await send(api, { groupIds: ['g1'] })).status).toBe(202);
    expect((await send(api, { groupIds: ['g1'] })).status).toBe(429);
    expect(expectStatus(await api('GET', '/v1/quotas'), 200).groupSends).toMatchObject({ used: 22, available: 0, scheduled: 3 });
  });

  it('does the same for one device', async () => {
    const api = await freshTenant('Device report');
    for (let i = 0; i < 4; i++) expectStatus(await send(api, { deviceId: 'd1' }), 202);
    for (let i = 0; i < 5; i++) expectStatus(await send(api, { deviceId: 'd1' }, 10 + i), 202);
    const quotas = expectStatus(await api('GET', '/v1/quotas?deviceId=d1'), 200);
    expect(quotas.device).toMatchObject({ used: 4, available: 1, scheduled: 5 });
    expect(expectStatus(await api('GET', '/v1/quotas?deviceId=d2'), 200).device).toMatchObject({ used: 0, available: 10, scheduled: 0 });
    expect((await send(api, { deviceId: 'd1' })).status).toBe(202);
    expect((await send(api, { deviceId: 'd1' })).status).toBe(429);
  });
});
