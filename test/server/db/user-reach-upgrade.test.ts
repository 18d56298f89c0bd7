import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrate } from 'drizzle-orm/libsql/migrator';
import { afterAll, expect, it } from 'vitest';
import { migrateDatabase, openDatabase } from '../../../server/db/client';
import { summarizeAudience } from '../../../server/directory/audience';
import { migrationsBefore } from '../../helpers/migrations';

const dir = mkdtempSync(join(tmpdir(), 'herald-user-reach-upgrade-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it("an existing database's devices are counted per user by the upgrade, so its first preview is exact", async () => {
  const url = `file:${join(dir, 'herald.db')}`;
  const old = openDatabase(url);
  await migrate(old.db, { migrationsFolder: migrationsBefore(dir, '0018_user_reach') });
  // [tenant, device, user, platform, management state, notifications permitted, push service, token invalid at]
  const devices: [string, string, string | null, string, string, number, string | null, number | null][] = [
    ['t1', 'd1', 'u1', 'ios', 'enrolled', 1, 'apns', null],
    ['t1', 'd2', 'u1', 'macos', 'enrolled', 1, 'apns', null],
    ['t1', 'd3', 'u1', 'android', 'unenrolled', 1, 'fcm', null],
    ['t1', 'd4', 'u2', 'android', 'enrolled', 0, 'fcm', null],
    ['t1', 'd5', 'u2', 'ios', 'enrolled', 1, 'apns', 1],
    ['t1', 'd6', 'u2', 'ios', 'enrolled', 1, null, null],
    ['t1', 'd7', null, 'ios', 'enrolled', 1, 'apns', null],
    ['t2', 'd1', 'u1', 'ios', 'enrolled', 1, 'apns', null],
  ];
  for (const args of devices)
    await old.client.execute({
      sql: `INSERT INTO devices (tenant_id, id, name, enrolled_by_user_id, platform, management_state, notifications_permitted, push_service, push_token_invalid_at)
            VALUES (?1, ?2, ?2, ?3, ?4, ?5, ?6, ?7, ?8)`,
      args,
    });
  await old.client.execute(`INSERT INTO group_members (tenant_id, group_id, member_type, member_id) VALUES
    ('t1', 'g', 'user', 'u1'), ('t1', 'g', 'user', 'u2'), ('t1', 'g', 'user', 'u3'), ('t2', 'g', 'user', 'u1')`);
  old.close();

  const database = openDatabase(url);
  await migrateDatabase(database);
  expect(await summarizeAudience(database.db, 't1', ['g'])).toEqual({
    users: 3,
    devices: 1,
    skipped: { unsupportedPlatform: 1, notEnrolled: 1, notificationsNotPermitted: 1, noPushToken: 2 },
  });
  expect(await summarizeAudience(database.db, 't2', ['g'])).toEqual({ users: 1, devices: 1, skipped: {} });
  database.close();
});
