import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrate } from 'drizzle-orm/libsql/migrator';
import { afterAll, expect, it } from 'vitest';
import { auditIn } from '../../../server/audit/log';
import { listAudit } from '../../../server/audit/list';
import { migrateDatabase, openDatabase } from '../../../server/db/client';
import { migrationsBefore } from '../../helpers/migrations';

const dir = mkdtempSync(join(tmpdir(), 'herald-audit-upgrade-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it("an existing database's audit entries are numbered within each tenant, in their order, and new ones follow", async () => {
  const url = `file:${join(dir, 'herald.db')}`;
  const old = openDatabase(url);
  await migrate(old.db, { migrationsFolder: migrationsBefore(dir, '0006_audit_tenant_seq') });
  // interleaved, as tenants' activity is: a global sequence 1..7
  for (const [tenant, action] of <[string, string][]>[
    ['a', 'a1'],
    ['b', 'b1'],
    ['a', 'a2'],
    ['b', 'b2'],
    ['b', 'b3'],
    ['a', 'a3'],
    ['c', 'c1'],
  ])
    await old.client.execute({
      sql: `INSERT INTO audit_log (tenant_id, action, outcome, at) VALUES (?, ?, 'success', 1)`,
      args: [tenant, action],
    });
  old.close();

  const database = openDatabase(url);
  await migrateDatabase(database);
  const entries = async (tenant: string) => (await listAudit(database.db, tenant, { limit: 50 })).items.map((e) => [e.id, e.action]);
  expect(await entries('a')).toEqual([
    ['3', 'a3'],
    ['2', 'a2'],
    ['1', 'a1'],
  ]);
  expect(await entries('b')).toEqual([
    ['3', 'b3'],
    ['2', 'b2'],
    ['1', 'b1'],
  ]);
  expect(await entries('c')).toEqual([['1', 'c1']]);
  await database.write((tx) => auditIn(tx, { tenantId: 'b', actorAccountId: null, action: 'b4', outcome: 'success', at: 2 }));
  await database.write((tx) => auditIn(tx, { tenantId: 'd', actorAccountId: null, action: 'd1', outcome: 'success', at: 2 }));
  expect((await entries('b'))[0]).toEqual(['4', 'b4']);
  expect(await entries('d')).toEqual([['1', 'd1']]);
  const page = await listAudit(database.db, 'b', { limit: 2 });
  expect((await listAudit(database.db, 'b', { limit: 2, cursor: page.nextCursor! })).items.map((e) => e.action)).toEqual(['b2', 'b1']);
  database.close();
});
