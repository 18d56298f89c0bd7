import { describe, expect } from 'vitest';
import { casesThroughBoth, contract, plain } from '../../helpers/client-contract';

/**
 * Where Herald's own file client departs from @libsql/client's result contract (found by client-contract.test.ts's
 * way of comparing, apart from errors): each case fails until local-client.ts matches @libsql/client.
 */
describe('results', () => {
  casesThroughBoth([
    contract(
      'read a blob as an ArrayBuffer',
      async (_, client) => {
        await client.execute({ sql: 'INSERT INTO t (name, data) VALUES (?, ?)', args: ['blob', new Uint8Array([1, 2, 255])] });
        const { rows } = await client.execute('SELECT data FROM t');
        return { byName: plain(rows[0]!.data), byPosition: plain(rows[0]![0]), json: JSON.stringify(rows[0]) };
      },
      (r) => expect(r).toEqual({ byName: { ArrayBuffer: [1, 2, 255] }, byPosition: { ArrayBuffer: [1, 2, 255] }, json: '{"data":{}}' }),
    ),
    contract(
      "give each column's declared type in columnTypes (empty for an expression)",
      async (_, client) => {
        const select = await client.execute('SELECT id, name, data, score, 1 + 1 AS two FROM t');
        const returning = await client.execute("INSERT INTO t (name) VALUES ('r') RETURNING id, name");
        return [select.columnTypes, returning.columnTypes];
      },
      (r) =>
        expect(r).toEqual([
          ['INTEGER', 'TEXT', 'BLOB', 'REAL', ''],
          ['INTEGER', 'TEXT'],
        ]),
    ),
    contract(
      'serialise a result set with toJSON() as @libsql/client does: rows as arrays, columnTypes and lastInsertRowid included',
      async (_, client) => [
        (await client.execute("SELECT 1 AS one, 'a' AS name")).toJSON(),
        (await client.execute("INSERT INTO t (name) VALUES ('x')")).toJSON(),
      ],
      (r) =>
        expect(r).toEqual([
          { columns: ['one', 'name'], columnTypes: ['', ''], rows: [[1, 'a']], rowsAffected: 0, lastInsertRowid: null },
          { columns: [], columnTypes: [], rows: [], rowsAffected: 1, lastInsertRowid: '1' },
        ]),
    ),
  ]);
});
