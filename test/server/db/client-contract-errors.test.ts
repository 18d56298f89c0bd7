import { LibsqlBatchError, LibsqlError, type Client } from '@libsql/client';
import { describe, expect } from 'vitest';
import { casesThroughBoth, contract, holdWriteLock, settled } from '../../helpers/client-contract';

/**
 * The errors of Herald's own file client against @libsql/client's, as client-contract.test.ts compares everything
 * else: a caller (drizzle, Herald's busy check, an operator reading a log) that reads `code`, `extendedCode`,
 * `rawCode` or the class of an error must see the same from both. (SQLite's own message is compared there.)
 */

/** How each statement failed, as a caller inspecting the error sees it. */
const errorsOf = async (_client: Client, calls: (() => Promise<unknown>)[]) => {
  const seen = [];
  for (const call of calls) {
    const outcome = await settled(call);
    const error = 'error' in outcome ? (outcome.error as Partial<LibsqlError>) : null;
    seen.push(error && { code: error.code, extendedCode: error.extendedCode, rawCode: error.rawCode });
  }
  return seen;
};

const violations = async (client: Client) => {
  await client.execute('PRAGMA foreign_keys = ON');
  await client.execute("INSERT INTO t (id, name) VALUES (1, 'one')");
  await client.execute('INSERT INTO u (x) VALUES (1)');
  return [
    "INSERT INTO t (id, name) VALUES (1, 'again')", // primary key
    'INSERT INTO t (id) VALUES (2)', // not null
    'INSERT INTO u (x) VALUES (1)', // unique
    'INSERT INTO u (x) VALUES (-1)', // check
    'INSERT INTO u (x, t_id) VALUES (5, 99)', // foreign key
  ].map((sql) => () => client.execute(sql));
};

const badSql = (client: Client) => ['SELEC 1', 'SELECT * FROM missing', 'SELECT nope FROM t'].map((sql) => () => client.execute(sql));

describe('error codes', () => {
  casesThroughBoth([
    contract(
      'constraint violations: code SQLITE_CONSTRAINT',
      async (_, client) => (await errorsOf(client, await violations(client))).map((e) => e?.code),
      (r) => expect(r).toEqual(Array(5).fill('SQLITE_CONSTRAINT')),
    ),
    contract(
      'constraint violations: the extended code names the constraint, the raw code is its number',
      async (_, client) => (await errorsOf(client, await violations(client))).map((e) => [e?.extendedCode, e?.rawCode]),
      (r) =>
        expect(r).toEqual([
          ['SQLITE_CONSTRAINT_PRIMARYKEY', 1555],
          ['SQLITE_CONSTRAINT_NOTNULL', 1299],
          ['SQLITE_CONSTRAINT_UNIQUE', 2067],
          ['SQLITE_CONSTRAINT_CHECK', 275],
          ['SQLITE_CONSTRAINT_FOREIGNKEY', 787],
        ]),
    ),
    contract(
      'syntax errors, missing tables and columns: code SQLITE_ERROR',
      async (_, client) => (await errorsOf(client, badSql(client))).map((e) => e?.code),
      (r) => expect(r).toEqual(Array(3).fill('SQLITE_ERROR')),
    ),
    contract(
      'syntax errors, missing tables and columns: extended code SQLITE_ERROR, raw code 1',
      async (_, client) => (await errorsOf(client, badSql(client))).map((e) => [e?.extendedCode, e?.rawCode]),
      (r) => expect(r).toEqual(Array(3).fill(['SQLITE_ERROR', 1])),
    ),
    contract(
      'a write lock held past the busy timeout: code SQLITE_BUSY',
      async (open, client) => {
        const held = await holdWriteLock(client);
        const other = open({ timeoutMs: 50 });
        const [busy] = await errorsOf(other, [() => other.transaction('write')]);
        await held.commit();
        return busy;
      },
      (r) => expect(r).toEqual({ code: 'SQLITE_BUSY', extendedCode: 'SQLITE_BUSY', rawCode: 5 }),
    ),
  ]);
});

describe('error classes and messages', () => {
  casesThroughBoth([
    contract(
      'SQLite failures are LibsqlErrors whose message starts with their code',
      async (_, client) =>
        Promise.all(
          [...(await violations(client)), ...badSql(client)].map(async (call) => {
            const outcome = await settled(call);
            const error = 'error' in outcome ? outcome.error : null;
            return { libsqlError: error instanceof LibsqlError, message: error instanceof Error ? error.message : null };
          }),
        ),
      (r) => {
        expect(r.every((e) => e.libsqlError)).toBe(true);
        expect(r[0]!.message).toBe('SQLITE_CONSTRAINT: UNIQUE constraint failed: t.id');
      },
    ),
    contract(
      'a failing batch statement is a LibsqlBatchError naming its index',
      async (_, client) => {
        const outcome = await settled(() =>
          client.batch(["INSERT INTO t (id, name) VALUES (1, 'one')", "INSERT INTO t (id, name) VALUES (1, 'again')"], 'write'),
        );
        const error = 'error' in outcome ? outcome.error : null;
        return {
          batchError: error instanceof LibsqlBatchError,
          statementIndex: (error as LibsqlBatchError | null)?.statementIndex,
          code: (error as LibsqlError | null)?.code,
        };
      },
      (r) => expect(r).toEqual({ batchError: true, statementIndex: 1, code: 'SQLITE_CONSTRAINT' }),
    ),
    contract(
      "a closed transaction's and a closed client's refusals are LibsqlErrors too",
      async (_, client) => {
        const tx = await client.transaction('write');
        await tx.commit();
        const refusals = [await settled(() => tx.execute('SELECT 1'))];
        client.close();
        refusals.push(await settled(() => client.execute('SELECT 1')));
        return refusals.map((o) =>
          'error' in o ? { libsqlError: o.error instanceof LibsqlError, message: (o.error as Error).message } : null,
        );
      },
      (r) =>
        expect(r).toEqual([
          { libsqlError: true, message: 'TRANSACTION_CLOSED: The transaction is closed' },
          { libsqlError: true, message: 'CLIENT_CLOSED: The client is closed' },
        ]),
    ),
    contract(
      'a bigint beyond 64 bits is refused with the same message',
      async (_, client) => {
        const outcome = await settled(() => client.execute({ sql: 'SELECT ?', args: [2n ** 63n] }));
        return 'error' in outcome ? (outcome.error as Error).message : null;
      },
      (r) => expect(r).toBe('bigint is too large to be represented as a 64-bit integer and passed as argument'),
    ),
  ]);
});
