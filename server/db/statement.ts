import type { InValue, ResultSet, Transaction } from '@libsql/client';
import { getTableColumns, getTableName, is, Param, Placeholder, sql, type SQLWrapper } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/libsql';
import { SQLiteAsyncDialect, type SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { Db, Tx } from './client';

/** Builds SQL, never runs it: a fixed statement's text is built through it once, at its first use. */
const builder: Db = drizzle.mock();
const dialect = new SQLiteAsyncDialect();

/**
 * A placeholder where a function takes the value it stands for (a tenant id, a time), so that the SQL that function
 * builds can be built once for every value (see fixedStatement).
 */
export const placeholder = <T>(name: string): T => sql.placeholder(name) as unknown as T;

/** A statement with SQL built once, run in a write transaction with named values. */
export interface FixedStatement<V> {
  run(tx: Tx, values: V): Promise<ResultSet>;
}

/** The rows of a fixed statement, typed as its SQL names and types its columns (the caller's word: nothing checks it). */
export const rowsOf = async <R>(result: Promise<ResultSet>): Promise<R[]> => (await result).rows as unknown as R[];

/**
 * A statement of the write path every send takes, its SQL built by drizzle once (from `build`, given a builder and
 * placeholders: `sql.placeholder(name)`, or `placeholder(name)` where a function takes a value), then run on the write
 * transaction's own connection with only its values encoded (by each column's own mapping, as drizzle does) and bound:
 * no query is built per call, and Herald's local client keeps the native statement prepared. Rows come back as the
 * client gives them (column names, SQLite values), not mapped by drizzle.
 */
export function fixedStatement<V extends Record<string, unknown>>(build: (db: Db) => SQLWrapper): FixedStatement<V> {
  let built: { sql: string; args: (values: V) => InValue[] } | undefined;
  return {
    run(tx, values) {
      built ??= compile(build(builder));
      return transactionOf(tx).execute({ sql: built.sql, args: built.args(values) });
    },
  };
}

/**
 * `INSERT INTO table` of one row, as `tx.insert(table).values(row)` would write it (a column left undefined takes its
 * default), its SQL built once per set of columns given (see fixedStatement). The row's values are plain values, not SQL.
 */
export function fixedInsert<T extends SQLiteTable>(table: T): FixedStatement<T['$inferInsert']> {
  // drizzle calls a $defaultFn or $onUpdate while it builds the insert: built once, its first value would be every row's
  for (const [name, column] of Object.entries(getTableColumns(table)))
    if (column.defaultFn || column.onUpdateFn)
      throw new Error(
        `fixedInsert: ${getTableName(table)}.${name} has a default computed in JavaScript, which a statement built once would freeze`,
      );
  const byColumns = new Map<string, FixedStatement<Record<string, unknown>>>();
  return {
    run(tx, row) {
      const keys = Object.keys(row).filter((key) => row[key as keyof typeof row] !== undefined);
      const columns = keys.join();
      let statement = byColumns.get(columns);
      if (!statement) {
        const values = Object.fromEntries(keys.map((key) => [key, sql.placeholder(key)]));
        statement = fixedStatement((db) => db.insert(table).values(values as T['$inferInsert']));
        byColumns.set(columns, statement);
      }
      return statement.run(tx, row);
    },
  };
}

function compile<V extends Record<string, unknown>>(query: SQLWrapper) {
  const { sql: text, params } = dialect.sqlToQuery(query.getSQL());
  const fills = params.map((p): ((values: V) => unknown) => {
    if (is(p, Placeholder)) return (values) => given(values, p.name);
    if (is(p, Param) && is(p.value, Placeholder)) {
      const { name } = p.value;
      // as drizzle maps a value it is given: null stays NULL (a JSON column would otherwise store the text `null`)
      return (values) => {
        const value = given(values, name);
        return value === null ? null : p.encoder.mapToDriverValue(value);
      };
    }
    return () => p;
  });
  return { sql: text, args: (values: V) => fills.map((fill) => fill(values) as InValue) };
}

function given(values: Record<string, unknown>, name: string): unknown {
  const value = values[name];
  if (value === undefined) throw new Error(`No value for placeholder "${name}" was given`);
  return value;
}

/**
 * The libSQL transaction under a drizzle write transaction (or a savepoint in one): drizzle keeps it as its session's
 * `tx`, which its types leave out.
 */
function transactionOf(tx: Tx): Transaction {
  const inner = (tx as unknown as { session?: { tx?: Transaction } }).session?.tx;
  if (!inner) throw new Error('a fixed statement runs only inside database.write()');
  return inner;
}
