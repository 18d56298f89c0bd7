import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrate } from 'drizzle-orm/libsql/migrator';
import { afterAll, expect, it } from 'vitest';
import { migrateDatabase, openDatabase } from '../../../server/db/client';
import { quotaState } from '../../../server/notifications/quota';
import { migrationsBefore } from '../../helpers/migrations';

const dir = mkdtempSync(join(tmpdir(), 'herald-device-sends-upgrade-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it("an existing database's device sends count in the device quota after the upgrade", async () => {
  const url = `file:${join(dir, 'herald.db')}`;
  const old = openDatabase(url);
  await migrate(old.db, { migrationsFolder: migrationsBefore(dir, '0013_device_sends') });
  const now = Date.now();
  const sends: [string, 'groups' | 'device', string | null][] = [
    ['n1', 'device', 'd1'],
    ['n2', 'device', 'd1'],
    ['n3', 'device', 'd2'],
    ['n4', 'groups', null],
  ];
  for (const [id, kind, deviceId] of sends)
    await old.client.execute({
      sql: `INSERT INTO notifications (id, tenant_id, sender_account_id, kind, device_id, title_length, body_length,
              audience_users, audience_devices, skipped, via, created_at, expires_at)
            VALUES (?, 't1', 'a1', ?, ?, 1, 1, 1, 1, '{}', 'api', ?, ?)`,
      args: [id, kind, deviceId, now - 60_000, now + 3_600_000],
    });
  old.close();

  const database = openDatabase(url);
  await migrateDatabase(database);
  const used = async (deviceId: string) => (await quotaState(database.db, 't1', { kind: 'device', deviceId }, 10, now)).used;
  expect([await used('d1'), await used('d2'), await used('d3')]).toEqual([2, 1, 0]);
  database.close();
});
