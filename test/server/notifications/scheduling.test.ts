import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../server/core/logger';
import type { InArgs } from '@libsql/client';
import { encodeCursor } from '../../../server/core/pagination';
import { fireDue } from '../../../server/notifications/fire';
import { notificationPageQuery } from '../../../server/notifications/history';
import { startScheduler } from '../../../server/notifications/scheduler';
import { group, importDirectory, phone, user } from '../../helpers/directory';
import { startTestHerald, type TestHerald } from '../../helpers/herald';
import { accountWith, expectStatus } from '../../helpers/rbac';

let herald: TestHerald;
const text = { title: 'Office closes early', body: 'The office closes at 16:00 today.' };
const MINUTE = 60_000;
const inMinutes = (minutes: number) => new Date(herald.clock.now() + minutes * MINUTE).toISOString();
const fire = () => fireDue({ database: herald.database, now: herald.clock.now });

beforeAll(async () => {
  herald = await startTestHerald();
  await importDirectory(herald.admin.api, {
    users: ['u1', 'u2', 'u3'].map(user),
    devices: [phone('d1', 'u1'), phone('d2', 'u2'), phone('d3', 'u3')],
    groups: [group('leeds', [{ type: 'user', id: 'u1' }]), group('york', [{ type: 'user', id: 'u3' }])],
  });
});
afterAll(() => herald.close());

describe('a send with sendAt', () => {
  it('is answered 202 scheduled, without an audience, and its history says so', async () => {
    const sendAt = inMinutes(90);
    const scheduled = expectStatus(await herald.admin.api('POST', '/v1/notifications', { ...text, groupIds: ['leeds'], sendAt }), 202);
    expect(scheduled).toEqual({ id: expect.any(String), status: 'scheduled', sendAt, target: { type: 'groups', groupIds: ['leeds'] } });
    const view = expectStatus(await herald.admin.api('GET', `/v1/notifications/${scheduled.id}`), 200);
    expect(view).toMatchObject({ status: 'scheduled', sendAt, firedAt: null, failure: null, audience: null, counts: null });
    const deliveries = expectStatus(await herald.admin.api('GET', `/v1/notifications/${scheduled.id}/deliveries`), 200);
    expect(deliveries.items).toEqual([]);
  });

  it('takes an offset other than Z and answers the instant in UTC', async () => {
    const at = new Date(herald.clock.now() + 2 * 3_600_000);
    const local = new Date(at.getTime() + 2 * 3_600_000).toISOString().replace('Z', '+02:00');
    const scheduled = expectStatus(await herald.admin.api('POST', '/v1/notifications', { ...text, deviceId: 'd2', sendAt: local }), 202);
    expect(Date.parse(scheduled.sendAt)).toBe(at.getTime());
  });

  it.each([
    ['without an offset', () => inMinutes(60).replace('Z', ''), /offset/],
    ['that is not a date', () => 'tomorrow at 3', /RFC 3339/],
    ['in the past', () => inMinutes(-1), /must be in the future/],
    ['more than 30 days ahead', () => inMinutes(30 * 24 * 60 + 1), /at most 30 days ahead/],
  ])('is a 400 naming sendAt for a time %s', async (_, sendAt, message) => {
    const res = await herald.admin.api('POST', '/v1/notifications', { ...text, deviceId: 'd1', sendAt: sendAt() });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body.error)).toMatch(message);
    expect(JSON.stringify(res.body.error.details)).toContain('sendAt');
  });

  it('may be 30 days ahead to the minute', async () => {
    const res = await herald.admin.api('POST', '/v1/notifications', { ...text, deviceId: 'd3', sendAt: inMinutes(30 * 24 * 60 - 1) });
    expect(res.status).toBe(202);
  });

  it('is previewed as a send now would be', async () => {
    const preview = expectStatus(
      await herald.admin.api('POST', '/v1/notifications/preview', { ...text, groupIds: ['leeds'], sendAt: inMinutes(60) }),
      200,
    );
    expect(preview.audience).toEqual({ users: 1, devices: 1, skipped: {} });
    expect((await herald.admin.api('POST', '/v1/notifications/preview', { groupIds: ['leeds'], sendAt: inMinutes(-5) })).status).toBe(400);
  });

  it('is checked for its target and permission when scheduled, as a send now is', async () => {
    expect((await herald.admin.api('POST', '/v1/notifications', { ...text, deviceId: 'nope', sendAt: inMinutes(60) })).status).toBe(404);
    const helpDesk = await accountWith(herald, [{ roleId: 'helpDeskOperator' }]);
    expect((await helpDesk.api('POST', '/v1/notifications', { ...text, groupIds: ['leeds'], sendAt: inMinutes(60) })).status).toBe(403);
  });
});

describe('firing', () => {
  it('sends within 5 s of sendAt, through the scheduler a dispatcher runs', { timeout: 20_000 }, async () => {
    const sendAt = new Date(herald.clock.now() + 1_500).toISOString();
    const { id } = expectStatus(await herald.admin.api('POST', '/v1/notifications', { ...text, deviceId: 'd1', sendAt }), 202);
    const scheduler = startScheduler({ database: herald.database, now: herald.clock.now, log: silentLogger });
    try {
      let view = expectStatus(await herald.admin.api('GET', `/v1/notifications/${id}`), 200);
      expect(view.status).toBe('scheduled');
      while (view.status === 'scheduled' && herald.clock.now() < Date.parse(sendAt) + 5_000) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        view = expectStatus(await herald.admin.api('GET', `/v1/notifications/${id}`), 200);
      }
      expect(view.status).toBe('queued');
      expect(Date.parse(view.firedAt)).toBeGreaterThanOrEqual(Date.parse(sendAt));
      expect(Date.parse(view.firedAt) - Date.parse(sendAt)).toBeLessThan(5_000);
      expect(view.audience).toEqual({ users: 1, devices: 1, skipped: {} });
      expect(view.counts.queued).toBe(1);
    } finally {
      await scheduler.stop();
    }
  });

  it('expands the audience as the directory is when it fires: a user added since receives it, one removed does not', async () => {
    const { id } = expectStatus(
      await herald.admin.api('POST', '/v1/notifications', { ...text, groupIds: ['york'], sendAt: inMinutes(10) }),
      202,
    );
    // u3 leaves York, u2 joins it
    await importDirectory(herald.admin.api, { groups: [group('york', [{ type: 'user', id: 'u2' }])] });
    herald.clock.advance(10 * MINUTE);
    await fire();
    const view = expectStatus(await herald.admin.api('GET', `/v1/notifications/${id}`), 200);
    expect(view.status).toBe('queued');
    expect(view.audience).toEqual({ users: 1, devices: 1, skipped: {} });
    const deliveries = expectStatus(await herald.admin.api('GET', `/v1/notifications/${id}/deliveries`), 200);
    expect(deliveries.items.map((d: { deviceId: string }) => d.deviceId)).toEqual(['d2']);
    const audit = expectStatus(await herald.admin.api('GET', '/v1/audit?action=notification.fire'), 200);
    const entry = audit.items.find((e: { details: { notificationId: string } }) => e.details.notificationId === id);
    expect(entry).toMatchObject({ outcome: 'success', details: { audience: { users: 1, devices: 1 } } });
  });

  it('fires a send that is late (Herald was down) saying how late, and expires one more than pushTtlHours late', async () => {
    const late = await herald.newTenant('Late');
    await importDirectory(late.api, { users: [user('v1')], devices: [phone('e1', 'v1')] });
    expectStatus(await late.api('PATCH', '/v1/tenant/settings', { pushTtlHours: 1 }), 200);
    const schedule = async (minutes: number) =>
      expectStatus(await late.api('POST', '/v1/notifications', { ...text, deviceId: 'e1', sendAt: inMinutes(minutes) }), 202).id;
    const expires = await schedule(1);
    const fires = await schedule(30);
    herald.clock.advance(62 * MINUTE);
    await fire();
    const expired = expectStatus(await late.api('GET', `/v1/notifications/${expires}`), 200);
    expect(expired).toMatchObject({ status: 'expired', firedAt: null, audience: null, counts: null });
    const fired = expectStatus(await late.api('GET', `/v1/notifications/${fires}`), 200);
    expect(fired).toMatchObject({ status: 'queued', counts: { queued: 1 } });
    expect(fired.lateSeconds).toBeGreaterThanOrEqual(32 * 60);
    expect(fired.lateSeconds).toBeLessThan(33 * 60);
    const audit = expectStatus(await late.api('GET', '/v1/audit?action=notification.fire'), 200);
    expect(
      audit.items.map((e: { outcome: string; details: { status?: string; lateSeconds: number } }) => [
        e.outcome,
        e.details.status ?? 'queued',
      ]),
    ).toEqual([
      ['success', 'queued'],
      ['failed', 'expired'],
    ]);
    // only the send that fired holds a slot of the device's quota
    expect(expectStatus(await late.api('GET', '/v1/quotas?deviceId=e1'), 200).device.used).toBe(1);
  });

  it('expires a send exactly pushTtlHours late, as its pushes would be, rather than queue deliveries already expired', async () => {
    const edge = await herald.newTenant('Edge');
    await importDirectory(edge.api, { users: [user('w1')], devices: [phone('f1', 'w1')] });
    expectStatus(await edge.api('PATCH', '/v1/tenant/settings', { pushTtlHours: 1 }), 200);
    const { id, sendAt } = expectStatus(
      await edge.api('POST', '/v1/notifications', { ...text, deviceId: 'f1', sendAt: inMinutes(1) }),
      202,
    );
    // the dispatcher's claim expires a delivery once its expiry (sendAt + pushTtlHours) is reached
    await fireDue({ database: herald.database, now: () => Date.parse(sendAt) + 3_600_000 });
    const view = expectStatus(await edge.api('GET', `/v1/notifications/${id}`), 200);
    expect(view).toMatchObject({ status: 'expired', firedAt: null, audience: null, counts: null });
  });

  it('marks a send it cannot fire (its row unreadable) failed after 3 attempts over a minute, audited, its slot freed, without holding up the others', async () => {
    const broken = await herald.newTenant('Broken');
    await importDirectory(broken.api, { users: [user('x1')], devices: [phone('g1', 'x1'), phone('g2', 'x1')] });
    const schedule = async (deviceId: string, minutes: number) =>
      expectStatus(await broken.api('POST', '/v1/notifications', { ...text, deviceId, sendAt: inMinutes(minutes) }), 202).id;
    const stuck = await schedule('g1', 1);
    const healthy = await schedule('g2', 2);
    // what it was scheduled with can no longer be read (a hand edit, a bug): firing it throws, not an AppError
    await herald.database.client.execute({ sql: "UPDATE notifications SET sign_in = '{not json' WHERE id = ?", args: [stuck] });
    herald.clock.advance(3 * MINUTE);
    const log: Record<string, unknown>[] = [];
    const deps = {
      database: herald.database,
      now: herald.clock.now,
      attempts: new Map<string, { failures: number; since: number }>(),
      log: (e: Record<string, unknown>) => log.push(e),
    };
    const view = async (id: string) => expectStatus(await broken.api('GET', `/v1/notifications/${id}`), 200);
    // the healthy send, due after the stuck one, fires on the first pass
    expect(await fireDue(deps)).toBe(1);
    expect(await view(healthy)).toMatchObject({ status: 'queued' });
    await expect(fireDue(deps)).rejects.toThrow(SyntaxError);
    // three failures in a moment may be a passing trouble: it is given up on only once they span a minute
    await expect(fireDue(deps)).rejects.toThrow(SyntaxError);
    expect(await view(stuck)).toMatchObject({ status: 'scheduled', failure: null });
    herald.clock.advance(MINUTE);
    expect(await fireDue(deps)).toBe(1);
    const failed = await view(stuck);
    expect(failed).toMatchObject({ status: 'failed', firedAt: null, audience: null, counts: null, failure: { code: 'fireFailed' } });
    expect(failed.failure.message).toMatch(/failed 4 times over 6\d s/);
    expect(log.map((e) => [e.msg, e.attempt])).toEqual([1, 2, 3, 4].map((n) => ['firing a scheduled send failed', n]));
    const audit = expectStatus(await broken.api('GET', '/v1/audit?action=notification.fire'), 200);
    expect(audit.items.find((e: { details: { notificationId: string } }) => e.details.notificationId === stuck)).toMatchObject({
      outcome: 'failed',
      details: { status: 'failed', code: 'fireFailed' },
    });
    // its slot of g1's quota is free again; nothing is left to fire
    expect(expectStatus(await broken.api('GET', '/v1/quotas?deviceId=g1'), 200).device).toMatchObject({ used: 0, scheduled: 0 });
    expect(await fireDue(deps)).toBe(0);
  });

  it('keeps the text until it fires, then counts retention from then', async () => {
    const { eraseExpiredText } = await import('../../../server/notifications/retention');
    const { id } = expectStatus(
      await herald.admin.api('POST', '/v1/notifications', { ...text, deviceId: 'd2', sendAt: inMinutes(29 * 24 * 60) }),
      202,
    );
    // 31 days after it was scheduled, 2 days after it fired: the tenant keeps text 30 days
    herald.clock.advance(29 * 24 * 60 * MINUTE);
    await fire();
    herald.clock.advance(2 * 24 * 60 * MINUTE);
    await eraseExpiredText(herald.database, herald.clock.now());
    const view = expectStatus(await herald.admin.api('GET', `/v1/notifications/${id}`), 200);
    expect(view).toMatchObject({ status: 'queued', title: text.title, textErasedAt: null });
  });
});

describe('cancel', () => {
  it('cancels a scheduled send (200, canceled, audited); it never fires and a second cancel is 409 notScheduled', async () => {
    const { id } = expectStatus(
      await herald.admin.api('POST', '/v1/notifications', { ...text, groupIds: ['leeds'], sendAt: inMinutes(5) }),
      202,
    );
    const canceled = expectStatus(await herald.admin.api('POST', `/v1/notifications/${id}/cancel`), 200);
    expect(canceled).toMatchObject({ id, status: 'canceled', audience: null, counts: null });
    herald.clock.advance(5 * MINUTE);
    await fire();
    expect(expectStatus(await herald.admin.api('GET', `/v1/notifications/${id}`), 200)).toMatchObject({
      status: 'canceled',
      counts: null,
    });
    const again = await herald.admin.api('POST', `/v1/notifications/${id}/cancel`);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('notScheduled');
    const audit = expectStatus(await herald.admin.api('GET', '/v1/audit?action=notification.cancel'), 200);
    expect(
      audit.items
        .filter((e: { details: { notificationId: string } }) => e.details.notificationId === id)
        .map((e: { outcome: string }) => e.outcome),
    ).toEqual(['rejected', 'success']);
  });

  it('is 409 notScheduled once the send fired, and for a send made at once', async () => {
    const { id } = expectStatus(
      await herald.admin.api('POST', '/v1/notifications', { ...text, deviceId: 'd3', sendAt: inMinutes(1) }),
      202,
    );
    herald.clock.advance(MINUTE);
    await fire();
    const res = await herald.admin.api('POST', `/v1/notifications/${id}/cancel`);
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('notScheduled');
    const now = expectStatus(await herald.admin.api('POST', '/v1/notifications', { ...text, deviceId: 'd3' }), 202);
    expect((await herald.admin.api('POST', `/v1/notifications/${now.id}/cancel`)).status).toBe(409);
    expect((await herald.admin.api('POST', '/v1/notifications/no-such-id/cancel')).status).toBe(404);
  });

  it("is 404 for another tenant's administrator, and the send stays scheduled", async () => {
    const { id } = expectStatus(
      await herald.admin.api('POST', '/v1/notifications', { ...text, groupIds: ['leeds'], sendAt: inMinutes(30) }),
      202,
    );
    const other = await herald.newTenant('Northwind');
    const res = await other.api('POST', `/v1/notifications/${id}/cancel`);
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('notFound');
    expect(expectStatus(await herald.admin.api('GET', `/v1/notifications/${id}`), 200).status).toBe('scheduled');
    expectStatus(await herald.admin.api('POST', `/v1/notifications/${id}/cancel`), 200);
  });

  it('is allowed to the sender and to anyone with the permission the send needed over its target, not to others', async () => {
    const sender = await accountWith(herald, [{ roleId: 'helpDeskOperator' }]);
    const colleague = await accountWith(herald, [{ roleId: 'helpDeskOperator' }]);
    const reader = await accountWith(herald, [{ roleId: 'readOnlyOperator' }]);
    const schedule = async () =>
      expectStatus(await sender.api('POST', '/v1/notifications', { ...text, deviceId: 'd1', sendAt: inMinutes(45) }), 202).id;
    const first = await schedule();
    expect((await reader.api('POST', `/v1/notifications/${first}/cancel`)).status).toBe(403);
    expect(expectStatus(await colleague.api('POST', `/v1/notifications/${first}/cancel`), 200).status).toBe('canceled');
    const second = await schedule();
    expect(expectStatus(await sender.api('POST', `/v1/notifications/${second}/cancel`), 200).status).toBe('canceled');
  });

  it('tells a colleague who may not cancel neither its target nor its scope: a generic 403', async () => {
    const { id } = expectStatus(
      await herald.admin.api('POST', '/v1/notifications', { ...text, deviceId: 'd3', sendAt: inMinutes(40) }),
      202,
    );
    const scoped = await accountWith(herald, [{ roleId: 'helpDeskOperator', scope: { type: 'groups', groupIds: ['leeds'] } }]);
    const res = await scoped.api('POST', `/v1/notifications/${id}/cancel`);
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('forbidden');
    // the notification's own id (hex, so it may hold "d3") is named; its target and the caller's scope are not
    expect(res.body.error.message.replaceAll(id, '<id>')).not.toMatch(/d3|york|scope/);
    expect(expectStatus(await herald.admin.api('GET', `/v1/notifications/${id}`), 200).status).toBe('scheduled');
    // a send to a device of its scope group it may cancel
    const inScope = expectStatus(
      await herald.admin.api('POST', '/v1/notifications', { ...text, deviceId: 'd1', sendAt: inMinutes(40) }),
      202,
    );
    expect(expectStatus(await scoped.api('POST', `/v1/notifications/${inScope.id}/cancel`), 200).status).toBe('canceled');
  });
});

describe('a reminder', () => {
  it('of a send that has not fired is 409 notSent', async () => {
    const { id } = expectStatus(
      await herald.admin.api('POST', '/v1/notifications', { ...text, deviceId: 'd1', sendAt: inMinutes(50) }),
      202,
    );
    const res = await herald.admin.api('POST', `/v1/notifications/${id}/reminders`);
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('notSent');
  });
});

describe('GET /v1/notifications?status=', () => {
  it('lists only the notifications in that status', async () => {
    const other = await herald.newTenant('Fabrikam');
    await importDirectory(other.api, { users: [user('v1')], devices: [phone('e1', 'v1')] });
    const send = async (extra: object) =>
      expectStatus(await other.api('POST', '/v1/notifications', { ...text, deviceId: 'e1', ...extra }), 202).id as string;
    const now = await send({});
    const later = await send({ sendAt: inMinutes(120) });
    const canceled = await send({ sendAt: inMinutes(130) });
    expectStatus(await other.api('POST', `/v1/notifications/${canceled}/cancel`), 200);
    const ids = async (status?: string) =>
      expectStatus(await other.api('GET', `/v1/notifications${status ? `?status=${status}` : ''}`), 200).items.map(
        (n: { id: string }) => n.id,
      );
    expect(await ids('scheduled')).toEqual([later]);
    expect(await ids('canceled')).toEqual([canceled]);
    expect(await ids('queued')).toEqual([now]);
    expect(await ids('failed')).toEqual([]);
    expect((await ids()).sort()).toEqual([now, later, canceled].sort());
    expect((await other.api('GET', '/v1/notifications?status=sent')).status).toBe(400);
  });

  it('finds one status through its own index, newest first, without reading or sorting the others', async () => {
    for (const cursor of [undefined, encodeCursor([Date.now(), 'x'])]) {
      const { sql: text, params } = notificationPageQuery(herald.database.db, 't1', { limit: 50, status: 'scheduled', cursor }).toSQL();
      const plan = await herald.database.client.execute({ sql: `EXPLAIN QUERY PLAN ${text}`, args: params as InArgs });
      const details = plan.rows.map((row) => String(row.detail)).join('\n');
      expect(details).toMatch(/SEARCH notifications USING INDEX notifications_tenant_status_created \(tenant_id=\? AND status=\?/);
      expect(details).not.toMatch(/TEMP B-TREE/);
    }
  });
});
