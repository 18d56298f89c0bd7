import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql, type SQL } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../../server/db/client';
import { jsonRowIn, jsonRowOut } from '../../../server/db/json-rows';
import { testDbClient } from '../../helpers/herald';

const dir = mkdtempSync(join(tmpdir(), 'herald-json-rows-'));
let database: Database;
beforeAll(async () => {
  database = openDatabase(`file:${join(dir, 'rows.db')}`, { client: testDbClient });
  await database.client.executeMultiple(`CREATE TABLE messages (id INTEGER PRIMARY KEY, title TEXT, body TEXT, sent_at INTEGER);
    INSERT INTO messages VALUES (1, 'Building closed', 'The Leeds office is closed today.', 1700000000000), (2, 'Restart', 'Restart your phone.', NULL);`);
});
afterAll(() => {
  database.close();
  rmSync(dir, { recursive: true, force: true });
});

const reversed = <F extends Record<string, SQL>>(fields: F) => Object.fromEntries(Object.entries(fields).reverse()) as F;

describe('jsonRowOut', () => {
  const fields = { id: sql<number>`m.id`, title: sql<string>`m.title`, body: sql<string>`m.body`, sentAt: sql<number | null>`m.sent_at` };
  const read = async (out: ReturnType<typeof jsonRowOut<typeof fields>>) => {
    const [row] = await database.db.all<{ rows: string }>(
      sql`SELECT json_group_array(${out.sql}) AS rows FROM (SELECT * FROM messages ORDER BY id) m`,
    );
    return (JSON.parse(row!.rows) as unknown[][]).map(out.decode);
  };
  const expected = [
    { id: 1, title: 'Building closed', body: 'The Leeds office is closed today.', sentAt: 1700000000000 },
    { id: 2, title: 'Restart', body: 'Restart your phone.', sentAt: null },
  ];

  it('decodes each value under the name of the expression that produced it', async () => {
    expect(await read(jsonRowOut(fields))).toEqual(expected);
  });

  it('decodes the same rows whatever the order of the field list (SQL and decoder follow it together)', async () => {
    const out = jsonRowOut(reversed(fields));
    expect(await read(out)).toEqual(expected);
    // the arrays themselves did change order: the decoder followed
    expect(out.decode(['x', 'b', 't', 9])).toEqual({ sentAt: 'x', body: 'b', title: 't', id: 9 });
  });
});

describe('jsonRowIn', () => {
  type Change = { id: number; title: string; body: string | null };
  const changes: Change[] = [
    { id: 1, title: 'Title one', body: 'Body one' },
    { id: 2, title: 'Title two', body: null },
  ];
  const unpack = async (into: ReturnType<typeof jsonRowIn<Change>>) =>
    database.db.all<Change>(sql`SELECT ${into.columns} FROM json_each(${JSON.stringify(changes.map(into.encode))})`);

  it('sends each value to the SQL column of its own name', async () => {
    expect(await unpack(jsonRowIn<Change>('id', 'title', 'body'))).toEqual(changes);
  });

  it('reads the same rows in SQL whatever the order of the field list', async () => {
    const into = jsonRowIn<Change>('body', 'title', 'id');
    expect(into.encode(changes[0]!)).toEqual(['Body one', 'Title one', 1]);
    expect(await unpack(into)).toEqual(changes);
  });
});
