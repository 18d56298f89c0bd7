import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@libsql/client';
import { afterAll, describe, expect, it } from 'vitest';
import { migrateDatabase, openDatabase } from '../../../server/db/client';
import { tenants } from '../../../server/db/schema';
import { AppError } from '../../../server/errors';

const dir = mkdtempSync(join(tmpdir(), 'herald-lock-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const addTenant = (database: ReturnType<typeof openDatabase>, id: string) =>
  database.write((tx) => tx.insert(tenants).values({ id, name: id, createdAt: Date.now() }));

describe('write transactions while another connection holds the lock', () => {
  it('answer 503 after the busy timeout, then every later write works again', async () => {
    const url = `file:${join(dir, 'herald.db')}`;
    const database = openDatabase(url, undefined, 200);
    await migrateDatabase(database);
    const other = createClient({ url });
    const held = await other.transaction('write');
    await held.execute("INSERT INTO tenants (id, name) VALUES ('other', 'Other')");

    const refused = await addTenant(database, 'blocked').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AppError);
    expect(refused).toMatchObject({ status: 503, code: 'databaseBusy', headers: { 'Retry-After': '1' } });

    await held.commit();
    other.close();
    for (const id of ['after-1', 'after-2', 'after-3']) await addTenant(database, id);
    const names = (await database.db.select({ id: tenants.id }).from(tenants)).map((t) => t.id).sort();
    expect(names).toEqual(['after-1', 'after-2', 'after-3', 'other']);
    database.close();
  });
});
