import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@libsql/client';
import { afterAll, describe, expect, it } from 'vitest';
import { migrateDatabase, openDatabase } from '../../../server/db/client';
import { tenants } from '../../../server/db/schema';
import { DatabaseUnavailableError } from '../../../server/db/errors';
import { testDbClient } from '../../helpers/herald';

const dir = mkdtempSync(join(tmpdir(), 'herald-lock-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const addTenant = (database: ReturnType<typeof openDatabase>, id: string) =>
  database.write((tx) => tx.insert(tenants).values({ id, name: id, createdAt: Date.now() }));

describe('group commit', () => {
  it('commits writes queued together, each seeing the ones before it, and rolls back only the one that throws', async () => {
    const database = openDatabase(`file:${join(dir, 'group.db')}`, { client: testDbClient });
    await migrateDatabase(database);
    const seen: number[] = [];
    const count = async (tx: Parameters<Parameters<typeof database.write>[0]>[0]) =>
      (await tx.select({ id: tenants.id }).from(tenants)).length;
    const writes = ['a', 'b', 'bad', 'c'].map((id) =>
      database.write(async (tx) => {
        seen.push(await count(tx));
        await tx.insert(tenants).values({ id, name: id, createdAt: Date.now() });
        if (id === 'bad') throw new Error('refused after writing');
        return id;
      }),
    );
    const results = await Promise.allSettled(writes);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect(seen).toEqual([0, 1, 2, 2]);
    const stored = (await database.db.select({ id: tenants.id }).from(tenants)).map((t) => t.id).sort();
    expect(stored).toEqual(['a', 'b', 'c']);
    database.close();
  });
});

describe('write transactions while another connection holds the lock', () => {
  it('fail as busy after the busy timeout, then every later write works again', async () => {
    const url = `file:${join(dir, 'herald.db')}`;
    const database = openDatabase(url, { busyTimeoutMs: 200, client: testDbClient });
    await migrateDatabase(database);
    const other = createClient({ url });
    const held = await other.transaction('write');
    await held.execute("INSERT INTO tenants (id, name) VALUES ('other', 'Other')");

    const refused = await addTenant(database, 'blocked').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(DatabaseUnavailableError);
    expect(refused).toMatchObject({ reason: 'busy' });

    await held.commit();
    other.close();
    for (const id of ['after-1', 'after-2', 'after-3']) await addTenant(database, id);
    const names = (await database.db.select({ id: tenants.id }).from(tenants)).map((t) => t.id).sort();
    expect(names).toEqual(['after-1', 'after-2', 'after-3', 'other']);
    database.close();
  });
});

describe('a write inside a write', () => {
  it('fails at once, saying to use the transaction given, instead of freezing every later write', async () => {
    const database = openDatabase(`file:${join(dir, 'nested.db')}`);
    await migrateDatabase(database);
    const frozen = new Promise((_, reject) => setTimeout(() => reject(new Error('the nested write froze the writer')), 2_000));
    const outer = database.write(async (tx) => {
      await tx.insert(tenants).values({ id: 'outer', name: 'outer', createdAt: 0 });
      await addTenant(database, 'inner'); // as audit(database, ...) where auditIn(tx, ...) was meant
    });
    await expect(Promise.race([outer, frozen])).rejects.toThrow(/inside a write.*use the transaction/);
    await Promise.race([addTenant(database, 'later'), frozen]);
    const stored = (await database.db.select({ id: tenants.id }).from(tenants)).map((t) => t.id);
    expect(stored).toEqual(['later']); // the outer write, whose function failed, rolled back
    database.close();
  });

  it('is refused only while the outer function runs: work it leaves behind may write afterwards', async () => {
    const database = openDatabase(`file:${join(dir, 'afterwards.db')}`);
    await migrateDatabase(database);
    let later!: Promise<unknown>;
    await database.write(async () => {
      later = new Promise((resolve) => setTimeout(resolve, 10)).then(() => addTenant(database, 'afterwards'));
    });
    await later;
    expect(await database.db.select({ id: tenants.id }).from(tenants)).toEqual([{ id: 'afterwards' }]);
    database.close();
  });
});
