import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { migrateDatabase, openDatabase, pendingMigrations } from '../../../server/db/client';

const dir = mkdtempSync(join(tmpdir(), 'herald-newer-database-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('refuses to start on a database a newer Herald migrated, and migrates its own again as before', async () => {
  const url = `file:${join(dir, 'herald.db')}`;
  const database = openDatabase(url);
  await migrateDatabase(database);
  await migrateDatabase(database); // nothing new: starts again as every restart does
  expect(await pendingMigrations(database)).toBe(0);
  // what a later version's migration leaves behind: a row this version's migrations folder has no file for
  await database.client.execute({
    sql: 'INSERT INTO __drizzle_migrations (hash, created_at) VALUES (?, ?)',
    args: ['a-later-version', Date.now() + 86_400_000],
  });
  await expect(migrateDatabase(database)).rejects.toThrow(
    /1 migration\(s\) this version of Herald does not know: a newer Herald upgraded it/,
  );
  expect(await pendingMigrations(database)).toBe(0);
  await database.close();
});
