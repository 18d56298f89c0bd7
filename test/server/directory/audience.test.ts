import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { audienceSelect, summarizeAudience } from '../../../server/directory/audience';
import { group, importDirectory, phone, user } from '../../helpers/directory';
import { startTestHerald, type TestHerald } from '../../helpers/herald';

let herald: TestHerald;
let otherTenantId: string;

/**
 * top ⊃ middle ⊃ bottom ⊃ top (a cycle); users a1 (in top and bottom), a2 (middle), a3 (bottom);
 * `outsider` owns a device that is a direct member of top; `loner` is in `empty` and has no device.
 */
const directory = {
  users: ['a1', 'a2', 'a3', 'outsider', 'loner'].map(user),
  devices: [
    phone('d-ok', 'a1'),
    phone('d-tablet', 'a3', { platform: 'ipados' }),
    phone('d-mac', 'a1', { platform: 'macos', managementState: 'unenrolled', push: null }),
    phone('d-windows', 'a2', { platform: 'windows' }),
    phone('d-unenrolled', 'a2', { platform: 'android', managementState: 'unenrolled', notificationsPermitted: false }),
    phone('d-muted', 'a3', { notificationsPermitted: false, push: null }),
    phone('d-untokened', 'a3', { push: null }),
    phone('d-invalid', 'a2'),
    phone('d-direct', 'outsider'),
  ],
  groups: [
    group('top', [
      { type: 'user', id: 'a1' },
      { type: 'group', id: 'middle' },
      { type: 'device', id: 'd-direct' },
    ]),
    group('middle', [
      { type: 'user', id: 'a2' },
      { type: 'group', id: 'bottom' },
    ]),
    group('bottom', [
      { type: 'user', id: 'a3' },
      { type: 'user', id: 'a1' },
      { type: 'group', id: 'top' },
    ]),
    group('empty', [{ type: 'user', id: 'loner' }]),
  ],
};

beforeAll(async () => {
  herald = await startTestHerald();
  await importDirectory(herald.admin.api, directory);
  await herald.database.client.execute("UPDATE devices SET push_token_invalid_at = 1 WHERE id = 'd-invalid'");
  // The same ids in another tenant, all reachable, must never leak into the first tenant's audience.
  const other = await herald.newTenant('Fabrikam');
  otherTenantId = other.tenantId;
  await importDirectory(other.api, {
    users: [user('a1'), user('x9')],
    devices: [phone('d-foreign', 'x9'), phone('d-ok', 'a1')],
    groups: [group('top', [{ type: 'user', id: 'x9' }])],
  });
});
afterAll(() => herald.close());

const rowsOf = (tenantId: string, groupIds: string[]) =>
  herald.database.db.all<{ device_id: string; user_id: string; skip_reason: string | null }>(audienceSelect(tenantId, groupIds));

describe('audience expansion', () => {
  it('reaches the devices of every user of the nested groups once, through a cycle, each with exactly one skip reason in order', async () => {
    expect(await rowsOf(herald.admin.tenantId, ['top'])).toEqual([
      { device_id: 'd-invalid', user_id: 'a2', skip_reason: 'noPushToken' },
      { device_id: 'd-mac', user_id: 'a1', skip_reason: 'unsupportedPlatform' },
      { device_id: 'd-muted', user_id: 'a3', skip_reason: 'notificationsNotPermitted' },
      { device_id: 'd-ok', user_id: 'a1', skip_reason: null },
      { device_id: 'd-tablet', user_id: 'a3', skip_reason: null },
      { device_id: 'd-unenrolled', user_id: 'a2', skip_reason: 'notEnrolled' },
      { device_id: 'd-untokened', user_id: 'a3', skip_reason: 'noPushToken' },
      { device_id: 'd-windows', user_id: 'a2', skip_reason: 'unsupportedPlatform' },
    ]);
  });

  it('ignores direct device members of the groups', async () => {
    const ids = (await rowsOf(herald.admin.tenantId, ['top'])).map((r) => r.device_id);
    expect(ids).not.toContain('d-direct');
  });

  it('starts from any group of a cycle and reaches the same audience', async () => {
    expect(await rowsOf(herald.admin.tenantId, ['bottom'])).toEqual(await rowsOf(herald.admin.tenantId, ['top', 'middle']));
  });

  it('summarizes in SQL: distinct users reached, reachable devices and skips by reason', async () => {
    expect(await summarizeAudience(herald.database.db, herald.admin.tenantId, ['top', 'bottom'])).toEqual({
      users: 3,
      devices: 2,
      skipped: { unsupportedPlatform: 2, notEnrolled: 1, notificationsNotPermitted: 1, noPushToken: 2 },
    });
  });

  it('counts the users of groups whose users have no device, and nothing for unknown groups', async () => {
    expect(await summarizeAudience(herald.database.db, herald.admin.tenantId, ['empty'])).toEqual({ users: 1, devices: 0, skipped: {} });
    expect(await summarizeAudience(herald.database.db, herald.admin.tenantId, ['no-such-group'])).toEqual({
      users: 0,
      devices: 0,
      skipped: {},
    });
  });

  it('never crosses tenants that share ids', async () => {
    expect(await rowsOf(otherTenantId, ['top'])).toEqual([{ device_id: 'd-foreign', user_id: 'x9', skip_reason: null }]);
    expect((await rowsOf(herald.admin.tenantId, ['top'])).map((r) => r.device_id)).not.toContain('d-foreign');
  });

  it('works as the subquery of an INSERT ... SELECT, as the delivery snapshot uses it', async () => {
    const copied = await herald.database.write(async (tx) => {
      await tx.run(
        sql`CREATE TEMP TABLE snapshot (id INTEGER PRIMARY KEY, device_id TEXT NOT NULL, user_id TEXT, status TEXT NOT NULL, reason TEXT)`,
      );
      await tx.run(sql`INSERT INTO snapshot (device_id, user_id, status, reason)
        SELECT a.device_id, a.user_id, CASE WHEN a.skip_reason IS NULL THEN 'queued' ELSE 'skipped' END, a.skip_reason
        FROM (${audienceSelect(herald.admin.tenantId, ['top'])}) a`);
      const rows = await tx.all<{ device_id: string; status: string }>(sql`SELECT device_id, status FROM snapshot ORDER BY id`);
      await tx.run(sql`DROP TABLE snapshot`);
      return rows;
    });
    expect(copied.map((r) => r.device_id)).toEqual((await rowsOf(herald.admin.tenantId, ['top'])).map((r) => r.device_id));
    expect(copied.filter((r) => r.status === 'queued').map((r) => r.device_id)).toEqual(['d-ok', 'd-tablet']);
  });
});
