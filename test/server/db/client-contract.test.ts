import { LibsqlBatchError, type Client, type InValue } from '@libsql/client';
import { describe, expect, it } from 'vitest';
import { casesThroughBoth, contract, failure, holdWriteLock, names, plain, resultShape, settled } from '../../helpers/client-contract';

/**
 * Herald's own file client against @libsql/client's, case by case: each scenario runs through both clients on a
 * file of its own and what the local client shows must equal what @libsql/client shows. Each case also pins what
 * @libsql/client does, so a scenario that observed nothing (or broke in both) cannot pass. Error codes, and the
 * differences this suite found, are compared in client-contract-errors.test.ts and client-contract-gaps.test.ts.
 */

const insertRows = (client: Client) =>
  client.batch(
    [
      { sql: 'INSERT INTO t (id, name, score) VALUES (?, ?, ?)', args: [1, 'one', 1.5] },
      { sql: 'INSERT INTO t (id, name, score) VALUES (?, ?, ?)', args: [2, 'two', null] },
      { sql: 'INSERT INTO t (id, name, score) VALUES (?, ?, ?)', args: [3, 'three', -2] },
    ],
    'write',
  );

describe('rows', () => {
  casesThroughBoth([
    contract(
      'name columns in order and give each row its values by name (enumerable), by position, a length and a JSON form',
      async (_, client) =>
        resultShape(await client.execute("SELECT 1 AS id, 'a' AS name, NULL AS note, 1.5 AS score, -7 AS neg, 9007199254740991 AS safe")),
      (r) => {
        expect(r.columns).toEqual(['id', 'name', 'note', 'score', 'neg', 'safe']);
        expect(r.rows[0]!.byPosition).toEqual([1, 'a', null, 1.5, -7, 9007199254740991]);
      },
    ),
    contract(
      "give a repeated column name to the first column's value",
      async (_, client) => resultShape(await client.execute('SELECT 1 AS id, 2 AS id')),
      (r) => expect(r.rows[0]).toMatchObject({ byName: { id: 1 }, byPosition: [1, 2] }),
    ),
    contract(
      'keep positions and length over columns named like them, and __proto__ as a plain column',
      async (_, client) => {
        const { rows } = await client.execute('SELECT 5 AS length, 6 AS "0", 7 AS __proto__, 8 AS "9"');
        const row = rows[0]!;
        return {
          keys: Object.keys(row),
          length: row.length,
          positions: Array.prototype.slice.call(row),
          proto: Object.getOwnPropertyDescriptor(row, '__proto__')?.value,
        };
      },
      (r) => expect(r).toMatchObject({ length: 4, positions: [5, 6, 7, 8], proto: 7 }),
    ),
    contract(
      'name the columns of a query that finds no rows',
      async (_, client) => resultShape(await client.execute('SELECT id, name FROM t WHERE id < 0')),
      (r) => expect(r).toMatchObject({ columns: ['id', 'name'], rows: [] }),
    ),
    contract(
      "return a table's rows in order, integers, reals, text and nulls as stored",
      async (_, client) => {
        await insertRows(client);
        return resultShape(await client.execute('SELECT id, name, score, data FROM t ORDER BY id'));
      },
      (r) =>
        expect(r.rows.map((row) => row.byPosition)).toEqual([
          [1, 'one', 1.5, null],
          [2, 'two', null, null],
          [3, 'three', -2, null],
        ]),
    ),
  ]);
});

describe('statements', () => {
  casesThroughBoth([
    contract(
      'report rowsAffected and a bigint lastInsertRowid for INSERT, UPDATE and DELETE, and neither for a SELECT',
      async (_, client) =>
        [
          await client.execute({ sql: 'INSERT INTO t (id, name) VALUES (?, ?)', args: [7, 'seven'] }),
          await client.execute("INSERT INTO t (name) VALUES ('eight')"),
          await client.execute('UPDATE t SET name = upper(name) WHERE id IN (7, 8)'),
          await client.execute('DELETE FROM t WHERE id = 7'),
          await client.execute('SELECT count(*) AS n FROM t'),
        ].map(resultShape),
      (r) => {
        expect(r.map((x) => x.rowsAffected)).toEqual([1, 1, 2, 1, 0]);
        expect(r[1]!.lastInsertRowid).toEqual({ bigint: '8' });
      },
    ),
    contract(
      'return the rows of INSERT ... RETURNING',
      async (_, client) => resultShape(await client.execute("INSERT INTO t (name) VALUES ('nine') RETURNING id, name")),
      (r) => expect(r.rows.map((row) => row.byName)).toEqual([{ id: 1, name: 'nine' }]),
    ),
    contract(
      'bind execute(sql, args) as execute({ sql, args })',
      async (_, client) =>
        [
          await client.execute('SELECT ? AS a, ? AS b', [1, 'x']),
          await client.execute({ sql: 'SELECT ? AS a, ? AS b', args: [1, 'x'] }),
        ].map(resultShape),
      (r) => expect(r[0]!.rows[0]!.byName).toEqual({ a: 1, b: 'x' }),
    ),
  ]);
});

describe('arguments', () => {
  const minInteger = -(2n ** 63n);
  casesThroughBoth([
    contract(
      'convert bigint, boolean, Date, null, numbers and strings as @libsql/client does',
      async (_, client) => {
        const args: InValue[] = [10n, minInteger, 2n ** 63n - 1n, true, false, new Date(1_700_000_000_123), null, 0.5, -3, 'text', ''];
        const sql = `SELECT ${args.map((_, i) => `typeof(?${i + 1}) AS t${i}, quote(?${i + 1}) AS q${i}`).join(', ')}`;
        return resultShape(await client.execute({ sql, args }));
      },
      // libsql-js binds every JS number as a REAL (a boolean as 1.0, a Date as its milliseconds), a bigint as an INTEGER
      (r) =>
        expect(r.rows[0]!.byName).toMatchObject({
          t0: 'integer',
          q0: '10',
          q1: String(minInteger),
          t3: 'real',
          q3: '1.0',
          q4: '0.0',
          q5: '1700000000123.0',
          t6: 'null',
          t10: 'text',
        }),
    ),
    contract(
      'bind an ArrayBuffer, a Uint8Array and a Buffer as blobs, stored and read back by their bytes',
      async (_, client) => {
        const blobs = [new Uint8Array([1, 2, 255]).buffer, new Uint8Array([3, 0, 4]), Buffer.from([5, 6])];
        for (const [i, data] of blobs.entries())
          await client.execute({ sql: 'INSERT INTO t (id, name, data) VALUES (?, ?, ?)', args: [i + 1, `b${i}`, data] });
        return resultShape(
          await client.execute('SELECT typeof(data) AS type, hex(data) AS bytes, length(data) AS size FROM t ORDER BY id'),
        );
      },
      (r) =>
        expect(r.rows.map((row) => row.byPosition)).toEqual([
          ['blob', '0102FF', 3],
          ['blob', '030004', 3],
          ['blob', '0506', 2],
        ]),
    ),
    contract(
      "write a blob in a result set's toJSON() in base64",
      async (_, client) => {
        await client.execute({ sql: 'INSERT INTO t (id, name, data) VALUES (?, ?, ?)', args: [1, 'b', new Uint8Array([1, 2, 255])] });
        return (await client.execute('SELECT data, name FROM t')).toJSON();
      },
      (r) => expect(r).toMatchObject({ rows: [['AQL/', 'b']] }),
    ),
    contract(
      'bind named arguments given with their :, @ or $ prefix, or without it',
      async (_, client) => {
        const sql = 'SELECT :a AS a, @b AS b, $c AS c';
        return [
          await client.execute({ sql, args: { ':a': 1, '@b': 2, $c: 3 } }),
          await client.execute({ sql, args: { a: 4, b: 5, c: 6 } }),
        ].map(resultShape);
      },
      (r) =>
        expect(r.map((x) => x.rows[0]!.byName)).toEqual([
          { a: 1, b: 2, c: 3 },
          { a: 4, b: 5, c: 6 },
        ]),
    ),
    contract(
      'refuse undefined with a TypeError, and NaN, Infinity and bigints beyond 64 bits with a RangeError',
      async (_, client) => {
        const refused = [undefined as unknown as InValue, Number.NaN, Infinity, -Infinity, 2n ** 63n, minInteger - 1n];
        return Promise.all(refused.map((value) => failure(() => client.execute({ sql: 'SELECT ?', args: [value] }))));
      },
      (r) => expect(r.map((f) => f.kind)).toEqual(['TypeError', 'RangeError', 'RangeError', 'RangeError', 'RangeError', 'RangeError']),
    ),
  ]);
});

describe('batch', () => {
  casesThroughBoth([
    contract(
      'return one result per statement, statements given as objects or [sql, args], in each transaction mode',
      async (_, client) => {
        const results = [
          await client.batch(
            [
              { sql: 'INSERT INTO t (name) VALUES (?)', args: ['w'] },
              ['INSERT INTO t (name) VALUES (?)', ['tuple']],
              'SELECT count(*) AS n FROM t',
            ],
            'write',
          ),
          await client.batch(["INSERT INTO t (name) VALUES ('deferred')"]),
          await client.batch(['SELECT name FROM t ORDER BY id'], 'read'),
        ];
        return results.map((batch) => batch.map(resultShape));
      },
      (r) => {
        expect(r[0]!.map((x) => x.rowsAffected)).toEqual([1, 1, 0]);
        expect(r[2]![0]!.rows.map((row) => row.byName.name)).toEqual(['w', 'tuple', 'deferred']);
      },
    ),
    contract(
      'apply nothing of a batch whose statement fails, and leave the client usable',
      async (_, client) => {
        await client.batch(["INSERT INTO t (id, name) VALUES (1, 'one')"], 'write');
        const failed = await failure(() =>
          client.batch(["INSERT INTO t (id, name) VALUES (2, 'two')", "INSERT INTO t (id, name) VALUES (1, 'again')"], 'write'),
        );
        const afterFailure = await names(client);
        await client.batch([{ sql: 'INSERT INTO t (id, name) VALUES (?, ?)', args: [3, 'three'] }], 'write');
        return { failed, afterFailure, after: await names(client) };
      },
      (r) =>
        expect(r).toEqual({
          failed: { failed: true, kind: 'Error', message: 'UNIQUE constraint failed: t.id' },
          afterFailure: ['one'],
          after: ['one', 'three'],
        }),
    ),
    contract(
      // BEGIN TRANSACTION READONLY is a libSQL server's: on a file, "read" guards nothing
      'let a read batch write to a file',
      async (_, client) => ({
        failed: await failure(() => client.batch(["INSERT INTO t (name) VALUES ('written')"], 'read')),
        after: await names(client),
      }),
      (r) => expect(r).toEqual({ failed: { failed: false }, after: ['written'] }),
    ),
    contract(
      'stop a batch at the statement after one that rolled its transaction back, running nothing outside it',
      async (_, client) => {
        const outcome = await settled(() =>
          client.batch(["INSERT INTO t (name) VALUES ('before')", 'ROLLBACK', "INSERT INTO t (name) VALUES ('after')"], 'write'),
        );
        const error = 'error' in outcome ? (outcome.error as LibsqlBatchError) : null;
        return {
          error: error && { batchError: error instanceof LibsqlBatchError, statementIndex: error.statementIndex, message: error.message },
          after: await names(client),
        };
      },
      (r) =>
        expect(r).toEqual({
          error: { batchError: true, statementIndex: 2, message: 'TRANSACTION_CLOSED: The transaction has been rolled back' },
          after: [],
        }),
    ),
  ]);
});

describe('transactions', () => {
  casesThroughBoth([
    contract(
      'keep what commit ends, drop what rollback or close ends, and report closed after each',
      async (_, client) => {
        const closedAfter: boolean[] = [];
        for (const [name, end] of [
          ['committed', 'commit'],
          ['rolled back', 'rollback'],
          ['closed', 'close'],
        ] as const) {
          const tx = await client.transaction('write');
          await tx.execute({ sql: 'INSERT INTO t (name) VALUES (?)', args: [name] });
          const open = tx.closed;
          await tx[end]();
          closedAfter.push(open, tx.closed);
        }
        return { closedAfter, stored: await names(client) };
      },
      (r) => expect(r).toEqual({ closedAfter: [false, true, false, true, false, true], stored: ['committed'] }),
    ),
    contract(
      'refuse statements on a settled transaction with TRANSACTION_CLOSED; rolling back or closing again is harmless',
      async (_, client) => {
        const tx = await client.transaction('write');
        await tx.commit();
        const refused = await Promise.all(
          [tx.execute('SELECT 1'), tx.batch(['SELECT 1']), tx.executeMultiple('SELECT 1'), tx.commit()].map((p) =>
            settled<unknown>(() => p),
          ),
        );
        const again = await settled(() => tx.rollback());
        tx.close();
        return { codes: refused.map((o) => ('error' in o ? (o.error as { code?: string }).code : 'resolved')), again: 'value' in again };
      },
      (r) => expect(r).toEqual({ codes: Array(4).fill('TRANSACTION_CLOSED'), again: true }),
    ),
    contract(
      'show a transaction its own writes, and other connections only the committed ones',
      async (open, client) => {
        const other = open();
        const tx = await client.transaction('write');
        await tx.execute("INSERT INTO t (name) VALUES ('pending')");
        const inside = (await tx.execute('SELECT name FROM t')).rows.map((r) => r.name);
        const outsideBefore = await names(other);
        await tx.commit();
        return { inside, outsideBefore, outsideAfter: await names(other) };
      },
      (r) => expect(r).toEqual({ inside: ['pending'], outsideBefore: [], outsideAfter: ['pending'] }),
    ),
    contract(
      "run a transaction's batch and executeMultiple inside it, undone by its rollback",
      async (_, client) => {
        const tx = await client.transaction('write');
        const batch = (await tx.batch([{ sql: 'INSERT INTO t (name) VALUES (?)', args: ['b'] }, 'SELECT count(*) AS n FROM t'])).map(
          resultShape,
        );
        const multiple = await tx.executeMultiple("INSERT INTO t (name) VALUES ('m1'); INSERT INTO t (name) VALUES ('m2');");
        const inside = (await tx.execute('SELECT name FROM t ORDER BY id')).rows.map((r) => r.name);
        await tx.rollback();
        return { batch, multiple, inside, after: await names(client) };
      },
      (r) => expect(r).toMatchObject({ multiple: undefined, inside: ['b', 'm1', 'm2'], after: [] }),
    ),
    contract(
      'keep a transaction open and usable after one of its statements fails',
      async (_, client) => {
        const tx = await client.transaction('write');
        await tx.execute("INSERT INTO t (id, name) VALUES (1, 'one')");
        const failed = await failure(() => tx.execute("INSERT INTO t (id, name) VALUES (1, 'again')"));
        const closed = tx.closed;
        await tx.execute("INSERT INTO t (id, name) VALUES (2, 'two')");
        await tx.commit();
        return { failed, closed, after: await names(client) };
      },
      (r) => expect(r).toMatchObject({ failed: { failed: true }, closed: false, after: ['one', 'two'] }),
    ),
    contract(
      'let a read transaction on a file write, kept by its commit',
      async (_, client) => {
        const tx = await client.transaction('read');
        const failed = await failure(() => tx.execute("INSERT INTO t (name) VALUES ('written')"));
        await tx.commit();
        return { failed, after: await names(client) };
      },
      (r) => expect(r).toEqual({ failed: { failed: false }, after: ['written'] }),
    ),
    contract(
      'make a second connection wait out the busy timeout for the write lock, then fail',
      async (open, client) => {
        const held = await holdWriteLock(client);
        const other = open({ timeoutMs: 100 });
        const started = performance.now();
        const failed = await failure(() => other.transaction('write'));
        const waited = performance.now() - started >= 90;
        await held.commit();
        // (not on `other`: @libsql/client's connection whose BEGIN IMMEDIATE met SQLITE_BUSY cannot commit again, libsql-js's bug)
        const tx = await open().transaction('write');
        await tx.execute("INSERT INTO t (name) VALUES ('next')");
        await tx.commit();
        return { failed, waited, after: await names(client) };
      },
      (r) =>
        expect(r).toEqual({
          failed: { failed: true, kind: 'Error', message: 'database is locked' },
          waited: true,
          after: ['holder', 'next'],
        }),
    ),
  ]);
});

describe('executeMultiple and migrate', () => {
  casesThroughBoth([
    contract(
      'run every statement of executeMultiple and return nothing',
      async (_, client) => ({
        returned: await client.executeMultiple("INSERT INTO t (name) VALUES ('a'); INSERT INTO t (name) VALUES ('b');"),
        after: await names(client),
      }),
      (r) => expect(r).toEqual({ returned: undefined, after: ['a', 'b'] }),
    ),
    contract(
      'stop executeMultiple at a failing statement, keeping the ones before it',
      async (_, client) => ({
        failed: await failure(() =>
          client.executeMultiple("INSERT INTO t (name) VALUES ('a'); SELEC 1; INSERT INTO t (name) VALUES ('c');"),
        ),
        after: await names(client),
      }),
      (r) => expect(r).toEqual({ failed: { failed: true, kind: 'Error', message: 'near "SELEC": syntax error' }, after: ['a'] }),
    ),
    contract(
      'run migrate() statements in one transaction with foreign keys off, and turn them back on',
      async (_, client) => {
        await client.execute('PRAGMA foreign_keys = ON');
        const results = (await client.migrate(['INSERT INTO u (x, t_id) VALUES (1, 99)', 'SELECT count(*) AS n FROM u'])).map(resultShape);
        const foreignKeys = (await client.execute('PRAGMA foreign_keys')).rows[0]![0];
        return { results, foreignKeys };
      },
      (r) => expect(r).toMatchObject({ results: [{ rowsAffected: 1 }, { rows: [{ byName: { n: 1 } }] }], foreignKeys: 1 }),
    ),
  ]);
});

describe('errors', () => {
  casesThroughBoth([
    contract(
      "fail constraint violations and bad SQL with SQLite's message",
      async (_, client) => {
        await client.execute('PRAGMA foreign_keys = ON');
        await client.execute("INSERT INTO t (id, name) VALUES (1, 'one')");
        await client.execute('INSERT INTO u (x) VALUES (1)');
        const statements = [
          "INSERT INTO t (id, name) VALUES (1, 'again')",
          'INSERT INTO t (id) VALUES (2)',
          'INSERT INTO u (x) VALUES (1)',
          'INSERT INTO u (x) VALUES (-1)',
          'INSERT INTO u (x, t_id) VALUES (5, 99)',
          'SELEC 1',
          'SELECT * FROM missing',
          'SELECT nope FROM t',
        ];
        return Promise.all(statements.map((sql) => failure(() => client.execute(sql))));
      },
      (r) =>
        expect(r.map((f) => f.message)).toEqual([
          'UNIQUE constraint failed: t.id',
          'NOT NULL constraint failed: t.name',
          'UNIQUE constraint failed: u.x',
          'CHECK constraint failed: x > 0',
          'FOREIGN KEY constraint failed',
          'near "SELEC": syntax error',
          'no such table: missing',
          'no such column: nope',
        ]),
    ),
  ]);
});

describe('the client', () => {
  casesThroughBoth([
    contract(
      'is a file client; once closed it says so and refuses every call with CLIENT_CLOSED',
      async (_, client) => {
        const protocol = client.protocol;
        client.close();
        const calls: (() => Promise<unknown>)[] = [
          () => client.execute('SELECT 1'),
          () => client.batch(['SELECT 1']),
          () => client.executeMultiple('SELECT 1'),
          () => client.transaction('write'),
        ];
        const outcomes = await Promise.all(calls.map((call) => settled<unknown>(call)));
        return {
          protocol,
          closed: client.closed,
          codes: outcomes.map((o) => ('error' in o ? (o.error as { code?: string }).code : 'resolved')),
        };
      },
      (r) => expect(r).toEqual({ protocol: 'file', closed: true, codes: Array(4).fill('CLIENT_CLOSED') }),
    ),
    contract(
      'reads integers up to 2^53 exactly, as numbers',
      async (_, client) => resultShape(await client.execute('SELECT 9007199254740991 AS max, -9007199254740991 AS min, 0 AS zero')),
      (r) => expect(r.rows[0]!.byPosition).toEqual([9007199254740991, -9007199254740991, 0]),
    ),
  ]);
});

// `plain` is exported for the gaps file too; pin here that it tells the blob types apart, which both suites rely on.
it('the comparison tells an ArrayBuffer from a Buffer and a bigint from a number', () => {
  expect(plain(new Uint8Array([1]).buffer)).not.toEqual(plain(Buffer.from([1])));
  expect(plain(1n)).not.toEqual(plain(1));
});
