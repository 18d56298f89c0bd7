import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateDatabase, openDatabase, type Database } from '../../../server/db/client';
import { notifications } from '../../../server/db/schema';
import { fixedInsert, fixedStatement, rowsOf } from '../../../server/db/statement';
import { testDbClient } from '../../helpers/herald';

const dir = mkdtempSync(join(tmpdir(), 'herald-statement-'));
let database: Database;
beforeAll(async () => {
  database = openDatabase(`file:${join(dir, 'herald.db')}`, { backgroundIo: true, client: testDbClient });
  await migrateDatabase(database);
});
afterAll(async () => {
  await database.close();
  rmSync(dir, { recursive: true, force: true });
});

const row = (id: string, extra: Partial<typeof notifications.$inferInsert> = {}): typeof notifications.$inferInsert => ({
  id,
  tenantId: 't',
  senderAccountId: 'a',
  kind: 'device',
  groupIds: null,
  deviceId: 'd',
  title: 'Title',
  body: 'Body',
  translations: { fr: { title: 'Titre', body: 'Corps' } },
  templateId: null,
  titleLength: 5,
  bodyLength: 4,
  audienceUsers: 1,
  audienceDevices: 1,
  skipped: {},
  via: 'api',
  createdAt: 1_000,
  expiresAt: 2_000,
  requireAcknowledgement: true,
  ...extra,
});

/** Every column as SQLite stores it, the id aside. */
const stored = async (id: string) =>
  (await database.db.all<Record<string, unknown>>(sql`SELECT * FROM notifications WHERE id = ${id}`)).map(({ id: _, ...rest }) => rest)[0];

const insertNotification = fixedInsert(notifications);

describe('fixedInsert', () => {
  it('refuses a table with a default computed in JavaScript, which a statement built once would freeze at its first value', () => {
    const withDefaultFn = sqliteTable('with_default_fn', { id: text('id').$defaultFn(() => crypto.randomUUID()), n: integer('n') });
    expect(() => fixedInsert(withDefaultFn)).toThrow('with_default_fn.id has a default computed in JavaScript');
    const withOnUpdate = sqliteTable('with_on_update', { id: text('id'), at: integer('at').$onUpdate(() => Date.now()) });
    expect(() => fixedInsert(withOnUpdate)).toThrow('with_on_update.at');
  });

  it('stores a row exactly as drizzle insert does: JSON and booleans encoded, null as NULL (not the text null), defaults for columns not given', async () => {
    await database.write((tx) => tx.insert(notifications).values(row('by-drizzle')));
    await database.write((tx) => insertNotification.run(tx, row('fixed')));
    const fixed = await stored('fixed');
    expect(fixed).toEqual(await stored('by-drizzle'));
    expect(fixed).toMatchObject({ group_ids: null, device_ids: null, require_acknowledgement: 1, status: 'queued', urgency: 'normal' });
    expect(fixed!.translations).toBe('{"fr":{"title":"Titre","body":"Corps"}}');
  });

  it('builds a statement of its own for another set of columns, leaving an undefined one to its default', async () => {
    await database.write((tx) =>
      tx.insert(notifications).values(row('by-drizzle-2', { urgency: 'high', requireAcknowledgement: undefined })),
    );
    await database.write((tx) => insertNotification.run(tx, row('fixed-2', { urgency: 'high', requireAcknowledgement: undefined })));
    expect(await stored('fixed-2')).toEqual(await stored('by-drizzle-2'));
    expect(await stored('fixed-2')).toMatchObject({ urgency: 'high', require_acknowledgement: 0 });
    // and the first set's statement still writes its own columns
    await database.write((tx) => insertNotification.run(tx, row('fixed-3')));
    expect(await stored('fixed-3')).toEqual(await stored('by-drizzle'));
  });

  it('writes inside a group commit: each write in its savepoint, one that throws rolled back alone', async () => {
    const results = await Promise.allSettled([
      database.write((tx) => insertNotification.run(tx, row('grouped-1'))),
      database.write(async (tx) => {
        await insertNotification.run(tx, row('grouped-2'));
        throw new Error('refused');
      }),
      database.write((tx) => insertNotification.run(tx, row('grouped-3'))),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(await database.db.all(sql`SELECT id FROM notifications WHERE id LIKE 'grouped-%' ORDER BY id`)).toEqual([
      { id: 'grouped-1' },
      { id: 'grouped-3' },
    ]);
  });
});

describe('fixedStatement', () => {
  const titleOf = fixedStatement<{ id: string }>(() => sql`SELECT title FROM notifications WHERE id = ${sql.placeholder('id')}`);

  it('runs with the values of each call, and refuses a missing one', async () => {
    await database.write((tx) => insertNotification.run(tx, row('read-1', { title: 'One' })));
    await database.write((tx) => insertNotification.run(tx, row('read-2', { title: 'Two' })));
    const titles = await database.write(async (tx) => [
      ...(await rowsOf<{ title: string }>(titleOf.run(tx, { id: 'read-2' }))),
      ...(await rowsOf<{ title: string }>(titleOf.run(tx, { id: 'read-1' }))),
    ]);
    expect(titles).toEqual([{ title: 'Two' }, { title: 'One' }]);
    await expect(database.write((tx) => titleOf.run(tx, {} as { id: string }))).rejects.toThrow('No value for placeholder "id"');
  });
});
