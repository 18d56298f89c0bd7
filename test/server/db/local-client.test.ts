import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, LibsqlError, type Client, type InValue } from '@libsql/client';
import Libsql from 'libsql';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { createLocalClient } from '../../../server/db/local-client';

const dir = mkdtempSync(join(tmpdir(), 'herald-local-client-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let files = 0;
/** A fresh database file with a table `t (id INTEGER PRIMARY KEY, name TEXT)`, in WAL mode as Herald runs it. */
async function freshDatabase(options?: Parameters<typeof createLocalClient>[1]): Promise<{ path: string; client: Client }> {
  const path = join(dir, `db-${++files}.db`);
  const client = createLocalClient(path, options);
  await client.executeMultiple('PRAGMA journal_mode = WAL; CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT);');
  return { path, client };
}

const names = async (client: Client) => (await client.execute('SELECT name FROM t ORDER BY id')).rows.map((r) => r.name);

describe('rows', () => {
  it('have the @libsql/client shape: columns by name (enumerable) and by position (not enumerable)', async () => {
    const client = createLocalClient(':memory:');
    const { columns, rows } = await client.execute("SELECT 1 AS id, 'a' AS name, NULL AS note");
    const row = rows[0]!;
    expect(columns).toEqual(['id', 'name', 'note']);
    expect([row.id, row.name, row.note]).toEqual([1, 'a', null]);
    expect([row[0], row[1], row[2]]).toEqual([1, 'a', null]);
    expect(row.length).toBe(3);
    expect(Object.keys(row)).toEqual(['id', 'name', 'note']);
    expect(Array.prototype.slice.call(row)).toEqual([1, 'a', null]);
    expect(JSON.parse(JSON.stringify(row))).toEqual({ id: 1, name: 'a', note: null });
    client.close();
  });

  it('give a repeated column name to the first column, and every column by position', async () => {
    const client = createLocalClient(':memory:');
    const row = (await client.execute('SELECT 1 AS id, 2 AS id')).rows[0]!;
    expect(row.id).toBe(1);
    expect([row[0], row[1], row.length]).toEqual([1, 2, 2]);
    expect(Object.keys(row)).toEqual(['id']);
    expect(JSON.stringify(row)).toBe('{"id":1}');
    client.close();
  });

  it('keep positions and length over columns named like them, as @libsql/client does, and define __proto__', async () => {
    const client = createLocalClient(':memory:');
    const row = (await client.execute('SELECT 5 AS length, 6 AS "0", 7 AS __proto__, 8 AS "9"')).rows[0]!;
    expect(row.length).toBe(4);
    expect(Array.prototype.slice.call(row)).toEqual([5, 6, 7, 8]);
    expect(Object.keys(row)).toEqual(['9', '__proto__']);
    expect(Object.getPrototypeOf(Object.getPrototypeOf(row))).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(row, '__proto__')?.value).toBe(7);
    client.close();
  });
});

describe('statements and arguments', () => {
  it('report rowsAffected and a bigint lastInsertRowid for statements without rows; RETURNING gives rows', async () => {
    const { client } = await freshDatabase();
    const inserted = await client.execute({ sql: 'INSERT INTO t (id, name) VALUES (?, ?)', args: [7, 'seven'] });
    expect(inserted).toMatchObject({ columns: [], rows: [], rowsAffected: 1, lastInsertRowid: 7n });
    await client.execute("INSERT INTO t (id, name) VALUES (8, 'eight')");
    const updated = await client.execute('UPDATE t SET name = upper(name) WHERE id IN (7, 8)');
    expect(updated.rowsAffected).toBe(2);
    const returned = await client.execute("INSERT INTO t (name) VALUES ('nine') RETURNING id, name");
    expect(returned.columns).toEqual(['id', 'name']);
    expect(returned.rows.map((r) => ({ ...r }))).toEqual([{ id: 9, name: 'nine' }]);
    expect(await names(client)).toEqual(['SEVEN', 'EIGHT', 'nine']);
    client.close();
  });

  it('bind booleans as 1/0 and dates as milliseconds, and reject undefined with a TypeError', async () => {
    const client = createLocalClient(':memory:');
    const row = (await client.execute('SELECT ? AS yes, ? AS no, ? AS at', [true, false, new Date(1_700_000_000_123)])).rows[0]!;
    expect({ ...row }).toEqual({ yes: 1, no: 0, at: 1_700_000_000_123 });
    await expect(client.execute({ sql: 'SELECT ?', args: [undefined as unknown as InValue] })).rejects.toThrow(TypeError);
    for (const bad of [Number.NaN, Infinity, 2n ** 63n])
      await expect(client.execute({ sql: 'SELECT ?', args: [bad] })).rejects.toThrow(RangeError);
    client.close();
  });

  it('bind named arguments given with or without their :, @ or $ prefix', async () => {
    const client = createLocalClient(':memory:');
    const sql = 'SELECT :a AS a, @b AS b, $c AS c';
    const prefixed = (await client.execute({ sql, args: { ':a': 1, '@b': 2, $c: 3 } })).rows[0]!;
    const bare = (await client.execute({ sql, args: { a: 4, b: 5, c: 6 } })).rows[0]!;
    expect([{ ...prefixed }, { ...bare }]).toEqual([
      { a: 1, b: 2, c: 3 },
      { a: 4, b: 5, c: 6 },
    ]);
    client.close();
  });
});

describe('cached statements', () => {
  it("see other connections' writes", async () => {
    const { path, client } = await freshDatabase();
    const other = createLocalClient(path);
    expect(await names(client)).toEqual([]);
    await other.execute("INSERT INTO t (name) VALUES ('from other')");
    expect(await names(client)).toEqual(['from other']);
    other.close();
    client.close();
  });

  it('keep working after another connection changes the schema', async () => {
    const { path, client } = await freshDatabase();
    const other = createLocalClient(path);
    await client.execute("INSERT INTO t (name) VALUES ('a')");
    const select = 'SELECT id, name FROM t WHERE name = ?';
    expect((await client.execute(select, ['a'])).rows.map((r) => ({ ...r }))).toEqual([{ id: 1, name: 'a' }]);
    await other.execute('CREATE INDEX t_name ON t (name)');
    await other.execute('ALTER TABLE t ADD COLUMN extra TEXT');
    await other.execute("INSERT INTO t (name, extra) VALUES ('a', 'x')");
    const after = await client.execute(select, ['a']);
    expect(after.columns).toEqual(['id', 'name']);
    expect(after.rows.map((r) => ({ ...r }))).toEqual([
      { id: 1, name: 'a' },
      { id: 2, name: 'a' },
    ]);
    other.close();
    client.close();
  });

  // The columns of `SELECT *` follow the schema, not the SQL text: such a statement is never cached, or a
  // recreated table's values would carry the old names (@libsql/client returns { b: 'B', a: 'A' } here).
  it('name the columns of a cached SELECT * by the schema migrate() left behind', async () => {
    const client = createLocalClient(':memory:');
    await client.executeMultiple("CREATE TABLE u (a TEXT, b TEXT); INSERT INTO u VALUES ('A', 'B');");
    expect({ ...(await client.execute('SELECT * FROM u')).rows[0] }).toEqual({ a: 'A', b: 'B' });
    await client.migrate(['DROP TABLE u', 'CREATE TABLE u (b TEXT, a TEXT)', "INSERT INTO u VALUES ('B', 'A')"]);
    const after = await client.execute('SELECT * FROM u');
    expect(after.columns).toEqual(['b', 'a']);
    expect({ ...after.rows[0] }).toEqual({ b: 'B', a: 'A' });
    client.close();
  });

  it('follow a table gaining a column in every spelling of a star select', async () => {
    const client = createLocalClient(':memory:');
    await client.executeMultiple("CREATE TABLE u (a TEXT); INSERT INTO u VALUES ('A');");
    const spellings = ['SELECT "u".* FROM "u"', 'SELECT [u].* FROM u', 'SELECT * FROM u;', "UPDATE u SET a = 'A' RETURNING *"];
    for (const sql of spellings) expect((await client.execute(sql)).columns).toEqual(['a']);
    await client.execute("ALTER TABLE u ADD COLUMN extra TEXT DEFAULT 'x'");
    for (const sql of spellings) expect((await client.execute(sql)).columns).toEqual(['a', 'extra']);
    expect((await client.execute('SELECT count(*) AS n, 2 * 3 AS six FROM u')).rows[0]).toMatchObject({ n: 1, six: 6 });
    client.close();
  });

  // A single device send's snapshot is such an INSERT: preparing it anew cost a send more CPU than running it.
  it('keep an INSERT ... SELECT a.* prepared: its RETURNING, not the star, names its columns', async () => {
    const { client } = await freshDatabase();
    const prepare = vi.spyOn(Libsql.prototype, 'prepare');
    try {
      const sql = 'INSERT INTO t (name) SELECT a.name FROM (SELECT u.*, ? AS name FROM (SELECT 1 AS x) u) a RETURNING id, name';
      for (const name of ['a', 'b', 'c']) expect((await client.execute(sql, [name])).rows.map((r) => r.name)).toEqual([name]);
      expect(prepare.mock.calls.filter(([text]) => text === sql)).toHaveLength(1);
    } finally {
      prepare.mockRestore();
    }
    client.close();
  });

  it('keep working past the cache size (eviction), including the first statement again', async () => {
    const client = createLocalClient(':memory:');
    for (let i = 0; i < 300; i++) expect((await client.execute(`SELECT ${i} AS v`)).rows[0]!.v).toBe(i);
    expect((await client.execute('SELECT 0 AS v')).rows[0]!.v).toBe(0);
    expect((await client.execute('SELECT 299 AS v')).rows[0]!.v).toBe(299);
    client.close();
  });
});

describe('transactions', () => {
  it('closing a client with an open write transaction releases the write lock and discards the write', async () => {
    const { path, client } = await freshDatabase();
    const tx = await client.transaction('write');
    await tx.execute({ sql: 'INSERT INTO t (name) VALUES (?)', args: ['uncommitted'] });
    client.close();

    const other = createLocalClient(path, { timeoutMs: 200 });
    const next = await other.transaction('write'); // BEGIN IMMEDIATE: fails with SQLITE_BUSY if the lock is still held
    await next.execute("INSERT INTO t (name) VALUES ('committed')");
    await next.commit();
    expect(await names(other)).toEqual(['committed']);
    other.close();
  });

  it('persist on commit, vanish on rollback, and refuse statements once settled', async () => {
    const { client } = await freshDatabase();
    const kept = await client.transaction('write');
    await kept.execute("INSERT INTO t (name) VALUES ('kept')");
    await kept.commit();
    const dropped = await client.transaction('write');
    await dropped.execute("INSERT INTO t (name) VALUES ('dropped')");
    await dropped.rollback();
    expect(await names(client)).toEqual(['kept']);
    await expect(kept.execute('SELECT 1')).rejects.toMatchObject({ code: 'TRANSACTION_CLOSED' });
    expect(kept.closed).toBe(true);
    client.close();
  });

  it('make a batch atomic: a failing statement leaves nothing of the batch', async () => {
    const { client } = await freshDatabase();
    await client.batch(["INSERT INTO t (id, name) VALUES (1, 'one')"], 'write');
    const failed = client.batch(
      ["INSERT INTO t (id, name) VALUES (2, 'two')", "INSERT INTO t (id, name) VALUES (1, 'duplicate')"],
      'write',
    );
    await expect(failed).rejects.toThrow(/UNIQUE/);
    expect(await names(client)).toEqual(['one']);
    // and the connection is usable again afterwards (no transaction left open on it)
    await client.batch([{ sql: 'INSERT INTO t (id, name) VALUES (?, ?)', args: [3, 'three'] }], 'write');
    expect(await names(client)).toEqual(['one', 'three']);
    client.close();
  });

  it('wait for a connection when all are taken (concurrency: 1), in order', async () => {
    const { client } = await freshDatabase({ concurrency: 1 });
    const order: string[] = [];
    const first = await client.transaction('write');
    const second = client.transaction('write').then((tx) => {
      order.push('second began');
      return tx;
    });
    await first.execute("INSERT INTO t (name) VALUES ('first')");
    await new Promise((resolve) => setTimeout(resolve, 20));
    order.push('first commits');
    await first.commit();
    const tx = await second;
    expect(order).toEqual(['first commits', 'second began']);
    expect((await tx.execute('SELECT name FROM t')).rows.map((r) => r.name)).toEqual(['first']);
    await tx.commit();
    client.close();
  });

  it('close() rejects callers still waiting for a connection with CLIENT_CLOSED', async () => {
    const { client } = await freshDatabase({ concurrency: 1 });
    await client.transaction('write');
    const waiting = client.transaction('write');
    const waitingExecute = client.execute('SELECT 1');
    client.close();
    await expect(waiting).rejects.toMatchObject({ code: 'CLIENT_CLOSED' });
    await expect(waitingExecute).rejects.toMatchObject({ code: 'CLIENT_CLOSED' });
    await expect(client.execute('SELECT 1')).rejects.toMatchObject({ code: 'CLIENT_CLOSED' });
    expect(client.closed).toBe(true);
  });

  it('a transaction whose client was closed under it answers TRANSACTION_CLOSED (and does not abort the process)', async () => {
    const { client } = await freshDatabase();
    const tx = await client.transaction('write');
    client.close();
    expect(tx.closed).toBe(true);
    await expect(tx.execute('SELECT 1')).rejects.toMatchObject({ code: 'TRANSACTION_CLOSED' });
    await expect(tx.commit()).rejects.toMatchObject({ code: 'TRANSACTION_CLOSED' });
    await tx.rollback();
    tx.close();
  });
});

describe("another connection's write lock", () => {
  /** A second native connection (as another process has) that holds the write lock until released. */
  const holdLock = (path: string) => {
    const other = new Libsql(path);
    other.exec('BEGIN IMMEDIATE');
    return {
      release() {
        other.exec('COMMIT');
        other.close();
      },
    };
  };

  it('is waited for off the event loop: timers run meanwhile, and the transaction begins once it frees', async () => {
    const { path, client } = await freshDatabase({ timeoutMs: 5_000 });
    const lock = holdLock(path);
    const began = client.transaction('write');
    // SQLite's own busy timeout would wait inside the call: this timer could not fire, nor release the lock
    const started = performance.now();
    await new Promise((resolve) => setTimeout(resolve, 1));
    expect(performance.now() - started).toBeLessThan(100);
    expect(await names(client)).toEqual([]); // reads go on too
    await new Promise((resolve) => setTimeout(resolve, 200));
    lock.release();
    const tx = await began;
    await tx.execute("INSERT INTO t (name) VALUES ('after the lock')");
    await tx.commit();
    expect(await names(client)).toEqual(['after the lock']);
    client.close();
  });

  it('fails with SQLITE_BUSY once timeoutMs passes, and leaves no connection unable to commit', async () => {
    // the libsql-js bug in STYLE.md: a connection whose BEGIN IMMEDIATE failed as busy could stay broken
    const { path, client } = await freshDatabase({ timeoutMs: 100, concurrency: 1 });
    for (let round = 0; round < 3; round++) {
      const lock = holdLock(path);
      const started = Date.now();
      await expect(client.transaction('write')).rejects.toMatchObject({ code: 'SQLITE_BUSY' });
      expect(Date.now() - started).toBeGreaterThanOrEqual(90);
      await expect(client.execute("INSERT INTO t (name) VALUES ('refused')")).rejects.toMatchObject({ code: 'SQLITE_BUSY' });
      lock.release();
      const tx = await client.transaction('write');
      await tx.execute({ sql: 'INSERT INTO t (name) VALUES (?)', args: [`round ${round}`] });
      await tx.commit();
    }
    // committed for real, and the lock is free: a connection that does not wait at all can write
    const other = new Libsql(path);
    other.exec("BEGIN IMMEDIATE; INSERT INTO t (name) VALUES ('other'); COMMIT");
    other.close();
    expect(await names(client)).toEqual(['round 0', 'round 1', 'round 2', 'other']);
    client.close();
  });
});

describe('errors', () => {
  it('are LibsqlErrors with the code, extendedCode, rawCode and message @libsql/client gives', async () => {
    const { path, client } = await freshDatabase();
    const reference = createClient({ url: `file:${path}` });
    const failures = ["INSERT INTO t (id, name) VALUES (1, 'a'), (1, 'b')", 'SELECT nope FROM t', 'INSERT INTO missing VALUES (1)'];
    for (const sql of failures) {
      const mine = await client.execute(sql).catch((e: unknown) => e);
      const theirs = await reference.execute(sql).catch((e: unknown) => e);
      expect(mine).toBeInstanceOf(LibsqlError);
      const shape = (e: any) => ({ name: e.name, code: e.code, extendedCode: e.extendedCode, rawCode: e.rawCode, message: e.message });
      expect(shape(mine)).toEqual(shape(theirs));
    }
    const unique = (await client.execute("INSERT INTO t (id, name) VALUES (1, 'a'), (1, 'b')").catch((e: unknown) => e)) as LibsqlError;
    expect(unique).toMatchObject({ code: 'SQLITE_CONSTRAINT', extendedCode: 'SQLITE_CONSTRAINT_PRIMARYKEY', rawCode: 1555 });
    reference.close();
    client.close();
  });
});

describe('pragmas', () => {
  it('run on every connection as it opens, including ones opened while others are held', async () => {
    const { client } = await freshDatabase({ concurrency: 3, pragmas: ['synchronous = NORMAL', 'cache_size = -4096'] });
    const held = await Promise.all([client.transaction('read'), client.transaction('read'), client.transaction('read')]);
    for (const tx of held) {
      expect((await tx.execute('PRAGMA synchronous')).rows[0]![0]).toBe(1);
      expect((await tx.execute('PRAGMA cache_size')).rows[0]![0]).toBe(-4096);
    }
    for (const tx of held) await tx.commit();
    client.close();
  });
});

describe(':memory:', () => {
  it('serves every call from one connection, so a call waiting on a transaction sees the same database', async () => {
    const client = createLocalClient(':memory:', { concurrency: 5 });
    await client.execute('CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT)');
    const tx = await client.transaction('write');
    await tx.execute("INSERT INTO t (name) VALUES ('in memory')");
    const waiting = names(client); // a second connection would be a second, empty database ("no such table")
    await tx.commit();
    expect(await waiting).toEqual(['in memory']);
    client.close();
  });
});
