import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrate } from 'drizzle-orm/libsql/migrator';
import { afterAll, expect, it } from 'vitest';
import { migrateDatabase, openDatabase } from '../../../server/db/client';
import { getNotification, listDeliveries } from '../../../server/notifications/history';
import { migrationsBefore } from '../../helpers/migrations';

const dir = mkdtempSync(join(tmpdir(), 'herald-deliveries-range-upgrade-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it("an existing database's notifications find their deliveries by row-id range after the upgrade", async () => {
  const url = `file:${join(dir, 'herald.db')}`;
  const old = openDatabase(url);
  await migrate(old.db, { migrationsFolder: migrationsBefore(dir, '0019_deliveries_by_range') });
  const now = Date.now();
  for (const id of ['n1', 'n2', 'n3'])
    await old.client.execute({
      sql: `INSERT INTO notifications (id, tenant_id, sender_account_id, kind, group_ids, title, body, title_length, body_length,
              audience_users, audience_devices, skipped, via, created_at, expires_at)
            VALUES (?, 't1', 'a1', 'groups', '["g"]', 'Hi', 'There', 2, 5, 1, 2, '{}', 'api', ?, ?)`,
      args: [id, now - 60_000, now + 3_600_000],
    });
  // n1's rows on either side of n2's (never written so, but the range must hold them all); n3 has none
  const rows: [string, string, string][] = [
    ['n1', 'd1', 'sent'],
    ['n2', 'd1', 'queued'],
    ['n2', 'd2', 'failed'],
    ['n1', 'd2', 'queued'],
  ];
  for (const [notificationId, deviceId, status] of rows)
    await old.client.execute({
      sql: `INSERT INTO deliveries (tenant_id, notification_id, device_id, status, updated_at) VALUES ('t1', ?, ?, ?, ?)`,
      args: [notificationId, deviceId, status, now],
    });
  old.close();

  const database = openDatabase(url);
  await migrateDatabase(database);
  const devicesOf = async (id: string) => (await listDeliveries(database.db, 't1', id, { limit: 10 })).items.map((d) => d.deviceId);
  expect([await devicesOf('n1'), await devicesOf('n2'), await devicesOf('n3')]).toEqual([['d1', 'd2'], ['d1', 'd2'], []]);
  expect((await getNotification(database.db, 't1', 'n1')).counts).toMatchObject({ sent: 1, queued: 1, failed: 0 });
  expect((await getNotification(database.db, 't1', 'n2')).counts).toMatchObject({ sent: 0, queued: 1, failed: 1 });
  const indexes = await database.client.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'deliveries'");
  expect(indexes.rows.map((r) => r.name)).not.toContain('deliveries_notification');
  database.close();
});
