import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Sqlite3Client } from '@libsql/client/sqlite3';
import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { migrateDatabase, openDatabase } from '../../../server/db/client';
import { tenants } from '../../../server/db/schema';

const dir = mkdtempSync(join(tmpdir(), 'herald-open-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('openDatabase({ client })', () => {
  it("serves a file through @libsql/client with client: 'libsql', as a server would be, without background I/O", async () => {
    const database = openDatabase(`file:${join(dir, 'libsql.db')}`, { client: 'libsql', backgroundIo: true });
    await migrateDatabase(database);
    expect(database.client).toBeInstanceOf(Sqlite3Client);
    await database.write((tx) => tx.insert(tenants).values({ id: 't', name: 'T', createdAt: 1 }));
    // no background I/O: the writer commits with SQLite's own durability (synchronous = FULL), as on a server
    expect(await database.write((tx) => tx.all<{ synchronous: number }>(sql`PRAGMA synchronous`))).toEqual([{ synchronous: 2 }]);
    expect(await database.db.select({ id: tenants.id }).from(tenants)).toEqual([{ id: 't' }]);
    database.close();
  });

  it("serves a file through Herald's own client by default", async () => {
    const database = openDatabase(`file:${join(dir, 'local.db')}`, { backgroundIo: true });
    await migrateDatabase(database);
    expect(database.client).not.toBeInstanceOf(Sqlite3Client);
    expect(await database.write((tx) => tx.all<{ synchronous: number }>(sql`PRAGMA synchronous`))).toEqual([{ synchronous: 1 }]);
    database.close();
  });
});
