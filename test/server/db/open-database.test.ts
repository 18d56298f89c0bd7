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

describe("reads through database.db on Herald's own client", () => {
  /** The connection's count of commits made by other connections, as SQLite reports it (PRAGMA data_version). */
  const dataVersion = async (database: ReturnType<typeof openDatabase>) =>
    (await database.db.all<{ data_version: number }>(sql`PRAGMA data_version`))[0]!.data_version;

  it("run on the writer's connection between writes, so the process's own commits leave their page cache warm", async () => {
    const database = openDatabase(`file:${join(dir, 'warm.db')}`, { client: 'local', backgroundIo: true });
    await migrateDatabase(database);
    const before = await dataVersion(database);
    // a connection that did not commit this would see another connection's commit (and drop its whole page cache)
    await database.write((tx) => tx.insert(tenants).values({ id: 't', name: 'T', createdAt: 1 }));
    expect(await dataVersion(database)).toBe(before);
    expect(await database.db.select({ id: tenants.id }).from(tenants)).toEqual([{ id: 't' }]);
    await database.close();
  });

  it('neither wait for a write transaction left open across a timer nor see its rows before it commits', async () => {
    const database = openDatabase(`file:${join(dir, 'held.db')}`, { client: 'local', backgroundIo: true });
    await migrateDatabase(database);
    let inserted!: () => void;
    const insertedYet = new Promise<void>((resolve) => (inserted = resolve));
    let finish!: () => void;
    const written = database.write(async (tx) => {
      await tx.insert(tenants).values({ id: 'held', name: 'Held', createdAt: 1 });
      inserted();
      await new Promise<void>((resolve) => (finish = resolve));
    });
    await insertedYet;
    expect(await database.db.select({ id: tenants.id }).from(tenants)).toEqual([]);
    finish();
    await written;
    expect(await database.db.select({ id: tenants.id }).from(tenants)).toEqual([{ id: 'held' }]);
    await database.close();
  });
});
