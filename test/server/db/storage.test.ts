import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LibsqlError } from '@libsql/client';
import { sql } from 'drizzle-orm';
import { DrizzleQueryError } from 'drizzle-orm/errors';
import { Hono } from 'hono';
import { afterAll, describe, expect, it } from 'vitest';
import { migrateDatabase, openDatabase, type Database } from '../../../server/db/client';
import { DatabaseUnavailableError, databaseUnavailable } from '../../../server/db/errors';
import { tenants } from '../../../server/db/schema';
import { silentLogger } from '../../../server/core/logger';
import { errorHandler } from '../../../server/http/errors';
import type { AppEnv } from '../../../server/http/env';
import { startTestHerald } from '../../helpers/herald';

const dir = mkdtempSync(join(tmpdir(), 'herald-storage-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Makes the database full for real on the writer's connection: SQLite answers SQLITE_FULL as soon as a write
 * needs a page beyond the file's present size, as it does when the disk has no room left.
 */
const fill = (database: Database) =>
  database.write(async (tx) => {
    const [{ page_count }] = (await tx.all<{ page_count: number }>(sql`PRAGMA page_count`)) as [{ page_count: number }];
    await tx.run(sql.raw(`PRAGMA max_page_count = ${page_count}`));
  });
const unfill = (database: Database) => database.write((tx) => tx.run(sql`PRAGMA max_page_count = 1073741823`));

const someUsers = (prefix: string, n: number) =>
  Array.from({ length: n }, (_, i) => ({
    id: `${prefix}-${i}`,
    upn: `${prefix}-${i}@contoso.example`,
    displayName: `${prefix} user number ${i}`,
  }));

describe('a full disk', () => {
  it('answers a write 507 storageFull in the error shape, keeps what was accepted before, and recovers once there is room', async () => {
    const herald = await startTestHerald();
    const api = herald.admin.api;
    expect((await api('POST', '/v1/directory/import', { users: someUsers('kept', 3) })).status).toBe(200);
    await fill(herald.database);

    const refused = await api('POST', '/v1/directory/import', { users: someUsers('big', 3_000) });
    expect(refused.status).toBe(507);
    expect(refused.body.error.code).toBe('storageFull');
    expect(refused.body.error.message).toMatch(/storage is full/);

    expect((await api('GET', '/v1/users?search=kept')).body.items).toHaveLength(3);
    expect((await api('GET', '/v1/users?search=big')).body.items).toEqual([]);
    await unfill(herald.database);
    expect((await api('POST', '/v1/directory/import', { users: someUsers('big', 3_000) })).status).toBe(200);
    await herald.close();
  });

  it('fails every write of the group it hit, commits none of them, and later writes work', async () => {
    // SQLite may roll back the whole transaction on SQLITE_FULL or an I/O error, so no write that shared it is reported committed
    const database = openDatabase(`file:${join(dir, 'group.db')}`);
    await migrateDatabase(database);
    await fill(database);
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const holding = database.write(() => gate); // the next three queue up and share one transaction
    const tenant = (id: string) => ({ id, name: id, createdAt: 0 });
    const group = [
      database.write((tx) => tx.insert(tenants).values(tenant('before'))),
      database.write((tx) => tx.insert(tenants).values(Array.from({ length: 400 }, (_, i) => tenant(`big-${i}-${'x'.repeat(200)}`)))),
      database.write((tx) => tx.insert(tenants).values(tenant('after'))),
    ];
    open();
    await holding;
    const outcomes = await Promise.allSettled(group);
    for (const outcome of outcomes) {
      expect(outcome.status).toBe('rejected');
      expect((outcome as PromiseRejectedResult).reason).toBeInstanceOf(DatabaseUnavailableError);
      expect((outcome as PromiseRejectedResult).reason).toMatchObject({ reason: 'storageFull' });
    }
    expect(await database.db.select({ id: tenants.id }).from(tenants)).toEqual([]);

    await unfill(database);
    await database.write((tx) => tx.insert(tenants).values(tenant('later')));
    expect(await database.db.select({ id: tenants.id }).from(tenants)).toEqual([{ id: 'later' }]);
    database.close();
  });
});

describe('databaseUnavailable', () => {
  const errno = (code: string) => Object.assign(new Error(`${code}: fdatasync`), { code });
  it('reads the reason from SQLite codes (extended ones too) and from a failed file sync, through wrappers', () => {
    const cases: [unknown, string | undefined][] = [
      [new LibsqlError('database or disk is full', 'SQLITE_FULL', 'SQLITE_FULL', 13), 'storageFull'],
      [new LibsqlError('disk I/O error', 'SQLITE_IOERR', 'SQLITE_IOERR_WRITE', 778), 'storageUnavailable'],
      [new LibsqlError('disk I/O error', 'SQLITE_IOERR_FSYNC'), 'storageUnavailable'],
      [new LibsqlError('attempt to write a readonly database', 'SQLITE_READONLY'), 'storageUnavailable'],
      [new LibsqlError('unable to open database file', 'SQLITE_CANTOPEN'), 'storageUnavailable'],
      [new LibsqlError('database is locked', 'SQLITE_BUSY'), 'busy'],
      [new DrizzleQueryError('insert ...', [], new LibsqlError('database or disk is full', 'SQLITE_FULL')), 'storageFull'],
      [errno('ENOSPC'), 'storageFull'],
      [errno('EIO'), 'storageUnavailable'],
      [new LibsqlError('UNIQUE constraint failed', 'SQLITE_CONSTRAINT', 'SQLITE_CONSTRAINT_UNIQUE'), undefined],
      [new Error('database is locked, SQLITE_BUSY'), undefined], // words in a message are not a code
      [errno('ENOENT'), undefined],
    ];
    for (const [error, reason] of cases) expect(databaseUnavailable(error)?.reason, String(error)).toBe(reason);
  });

  it('is what the HTTP layer answers: 503 databaseBusy and 503 storageUnavailable with Retry-After, 507 storageFull', async () => {
    const app = new Hono<AppEnv>();
    app.onError(errorHandler(() => undefined, silentLogger));
    app.get('/:reason', (c) => {
      throw new DatabaseUnavailableError(c.req.param('reason') as DatabaseUnavailableError['reason'], errno('EIO'));
    });
    const answer = async (reason: string) => {
      const res = await app.request(`/${reason}`);
      return {
        status: res.status,
        retryAfter: res.headers.get('retry-after'),
        code: ((await res.json()) as { error: { code: string } }).error.code,
      };
    };
    expect(await answer('busy')).toEqual({ status: 503, retryAfter: '1', code: 'databaseBusy' });
    expect(await answer('storageUnavailable')).toEqual({ status: 503, retryAfter: '5', code: 'storageUnavailable' });
    expect(await answer('storageFull')).toEqual({ status: 507, retryAfter: null, code: 'storageFull' });
  });
});
