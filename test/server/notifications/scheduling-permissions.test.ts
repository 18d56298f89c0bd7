import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { roleAssignmentAccounts } from '../../../server/db/schema';
import { fireDue } from '../../../server/notifications/fire';
import { group, importDirectory, phone, user } from '../../helpers/directory';
import { startEntraHerald, type EntraHerald } from '../../helpers/entra';
import { apiClient, startTestHerald, type Api, type TestHerald } from '../../helpers/herald';
import { accountWith, expectStatus } from '../../helpers/rbac';

const MINUTE = 60_000;
const text = { title: 'Office closes early', body: 'The office closes at 16:00 today.' };

/** Schedules a send a minute ahead, moves the clock past it and fires it; answers its history entry. */
async function scheduleAndFire(herald: TestHerald, api: Api, target: object, between: () => Promise<void> = async () => {}) {
  const sendAt = new Date(herald.clock.now() + MINUTE).toISOString();
  const { id } = expectStatus(await api('POST', '/v1/notifications', { ...text, ...target, sendAt }), 202);
  await between();
  herald.clock.advance(MINUTE);
  await fireDue({ database: herald.database, now: herald.clock.now });
  return expectStatus(await herald.admin.api('GET', `/v1/notifications/${id}`), 200);
}

async function fireAudit(herald: TestHerald, id: string) {
  const audit = expectStatus(await herald.admin.api('GET', '/v1/audit?action=notification.fire'), 200);
  return audit.items.filter((e: { details: { notificationId: string } }) => e.details.notificationId === id);
}

describe('permissions checked again when a scheduled send fires (API tokens)', () => {
  let herald: TestHerald;
  beforeAll(async () => {
    herald = await startTestHerald();
    await importDirectory(herald.admin.api, {
      users: [user('u1'), user('u2')],
      devices: [phone('d1', 'u1'), phone('d2', 'u2')],
      groups: [
        group('scope', [{ type: 'user', id: 'u1' }]),
        group('all', [
          { type: 'user', id: 'u1' },
          { type: 'user', id: 'u2' },
        ]),
      ],
    });
  });
  afterAll(() => herald.close());

  it('fires for a sender who still has the permission', async () => {
    const sender = await accountWith(herald, [{ roleId: 'helpDeskOperator' }]);
    const view = await scheduleAndFire(herald, sender.api, { deviceId: 'd1' });
    expect(view).toMatchObject({ status: 'queued', failure: null, counts: { queued: 1 } });
  });

  it('fails with forbidden, in history and audit, when the sender lost the role before it fired', async () => {
    const sender = await accountWith(herald, [{ roleId: 'helpDeskOperator' }]);
    const view = await scheduleAndFire(herald, sender.api, { deviceId: 'd1' }, async () => {
      const { items } = expectStatus(await herald.admin.api('GET', '/v1/roleAssignments'), 200);
      for (const a of items.filter((a: { accountIds: string[] }) => a.accountIds.includes(sender.id)))
        expectStatus(await herald.admin.api('DELETE', `/v1/roleAssignments/${a.id}`), 204);
    });
    expect(view).toMatchObject({ status: 'failed', failure: { code: 'forbidden' }, firedAt: null, audience: null, counts: null });
    expect(await fireAudit(herald, view.id)).toEqual([
      expect.objectContaining({ outcome: 'denied', details: expect.objectContaining({ status: 'failed', code: 'forbidden' }) }),
    ]);
    // its device slot is free again
    const quotas = expectStatus(await herald.admin.api('GET', '/v1/quotas?deviceId=d1'), 200);
    expect(quotas.device.used).toBe(1);
  });

  it('fails when the API token it was scheduled with is revoked, though the account kept its role', async () => {
    const sender = await accountWith(herald, [{ roleId: 'administrator' }]);
    const view = await scheduleAndFire(herald, sender.api, { groupIds: ['all'] }, async () => {
      expectStatus(await herald.admin.api('DELETE', `/v1/tokens/${sender.tokenId}`), 204);
    });
    expect(view).toMatchObject({ status: 'failed', failure: { code: 'forbidden', message: expect.stringMatching(/revoked/) } });
  });

  it('reaches only what the scope covers when it fires: a device moved out of the scope fails the send', async () => {
    const sender = await accountWith(herald, [{ roleId: 'helpDeskOperator', scope: { type: 'groups', groupIds: ['scope'] } }]);
    const view = await scheduleAndFire(herald, sender.api, { deviceId: 'd1' }, async () => {
      await importDirectory(herald.admin.api, { groups: [group('scope', [{ type: 'user', id: 'u2' }])] });
    });
    expect(view).toMatchObject({ status: 'failed', failure: { code: 'forbidden' } });
  });

  it('fires a bulk send to the devices the scope still covers: the others refused in its audit entry, their slots freed', async () => {
    await importDirectory(herald.admin.api, {
      groups: [
        group('pair', [
          { type: 'user', id: 'u1' },
          { type: 'user', id: 'u2' },
        ]),
      ],
    });
    const sender = await accountWith(herald, [{ roleId: 'helpDeskOperator', scope: { type: 'groups', groupIds: ['pair'] } }]);
    const used = async (deviceId: string): Promise<number> =>
      expectStatus(await herald.admin.api('GET', `/v1/quotas?deviceId=${deviceId}`), 200).device.used;
    const [d1, d2] = [await used('d1'), await used('d2')];
    const view = await scheduleAndFire(herald, sender.api, { deviceIds: ['d1', 'd2'] }, async () => {
      // u2, and so d2, leaves the sender's scope before the send fires
      await importDirectory(herald.admin.api, { groups: [group('pair', [{ type: 'user', id: 'u1' }])] });
    });
    expect(view).toMatchObject({ status: 'queued', target: { type: 'devices', deviceIds: ['d1'] }, audience: { devices: 1 } });
    expect(await fireAudit(herald, view.id)).toEqual([
      expect.objectContaining({
        outcome: 'success',
        details: expect.objectContaining({ refused: [{ deviceId: 'd2', code: 'forbidden', message: expect.any(String) }] }),
      }),
    ]);
    // the send used d1's quota at its sendAt; d2's slot is free again
    expect([await used('d1'), await used('d2')]).toEqual([d1 + 1, d2]);
  });

  it('fails when the role is removed while it is being fired: its rights are judged inside the write that fires it', async () => {
    const sender = await accountWith(herald, [{ roleId: 'helpDeskOperator' }]);
    const sendAt = new Date(herald.clock.now() + MINUTE).toISOString();
    const { id } = expectStatus(await sender.api('POST', '/v1/notifications', { ...text, deviceId: 'd2', sendAt }), 202);
    // the removal holds the write lock, uncommitted, while the scheduler looks at the send
    const removing = herald.database.write(async (tx) => {
      await tx.delete(roleAssignmentAccounts).where(eq(roleAssignmentAccounts.accountId, sender.id));
      await sleep(300);
    });
    await fireDue({ database: herald.database, now: () => Date.parse(sendAt) + 1000 });
    await removing;
    const view = expectStatus(await herald.admin.api('GET', `/v1/notifications/${id}`), 200);
    expect(view).toMatchObject({ status: 'failed', failure: { code: 'forbidden' }, audience: null, counts: null });
  });
});

describe('an Entra ID sender: the stored assignments and the app roles of the last sign-in', () => {
  let entra: EntraHerald;
  beforeAll(async () => {
    entra = await startEntraHerald();
    await importDirectory(entra.herald.admin.api, { users: [user('u1')], devices: [phone('d1', 'u1')] });
  });
  afterAll(() => entra?.close());

  const as = async (oid: string, roles: string[]) =>
    apiClient(entra.herald.url, await entra.entra.sign({ oid, preferred_username: `${oid.slice(0, 8)}@contoso.example`, roles }));

  it('fires while the app role is still there at the last sign-in', async () => {
    const oid = randomUUID();
    const view = await scheduleAndFire(entra.herald, await as(oid, ['Herald.HelpDeskOperator']), { deviceId: 'd1' });
    expect(view.status).toBe('queued');
  });

  it('fails with forbidden when a later sign-in no longer carries the app role', async () => {
    const oid = randomUUID();
    const view = await scheduleAndFire(entra.herald, await as(oid, ['Herald.HelpDeskOperator']), { deviceId: 'd1' }, async () => {
      expectStatus(await (await as(oid, []))('GET', '/v1/me'), 200);
    });
    expect(view).toMatchObject({ status: 'failed', failure: { code: 'forbidden' } });
  });
});
