import {
  LibsqlBatchError,
  LibsqlError,
  type Client,
  type InArgs,
  type InStatement,
  type ResultSet,
  type Row,
  type Transaction,
  type TransactionMode,
} from '@libsql/client';
import Libsql from 'libsql';

/*
 * What would let this file be deleted: @libsql/client keeping each connection's prepared statements for
 * `file:` URLs (and learning from the statement, not from an exception, that it returns no rows), measured
 * as costing no more per request than this client (`npm run bench`), plus a way to wait for another
 * process's write lock without its synchronous busy timeout, which holds the event loop while it waits.
 */

/**
 * A libSQL client for a database file (or `:memory:`), for what drizzle and Herald call: the same
 * `Client` contract as @libsql/client's embedded client, which it replaces for `file:` URLs because that
 * one prepares every statement anew on every call, asks each for its columns twice and learns that a
 * statement returns no rows from an exception. Each connection here keeps the statements it prepared
 * (SQLite re-prepares one itself if the schema changes), so a request's statements cost their execution.
 *
 * A connection is closed only after rolling back any transaction it holds: a cached statement keeps
 * the native connection alive past `close()`, and with it any write lock it held.
 *
 * Nothing here waits synchronously for a lock: SQLite's own busy timeout would hold the event loop (every
 * request of the process) while another process writes. Connections open with none, and a call that SQLite
 * answers SQLITE_BUSY is tried again from a timer until `timeoutMs` has passed. Failures are LibsqlErrors
 * with the codes @libsql/client gives: `code` the base (`SQLITE_CONSTRAINT`), `extendedCode` the detail
 * (`SQLITE_CONSTRAINT_UNIQUE`), `rawCode` SQLite's number.
 */

type Native = InstanceType<typeof Libsql>;
type NativeStatement = ReturnType<Native['prepare']>;

interface Prepared {
  statement: NativeStatement;
  /** Column names for a statement that returns rows; null for one that does not. */
  columns: string[] | null;
  /** Each column's declared type ('' for an expression), as @libsql/client's `columnTypes`. */
  columnTypes: string[];
  makeRow: ((values: unknown[]) => Row) | null;
}

/** Statements kept per connection; the least recently used goes first past this. */
const CACHE_SIZE = 256;

/**
 * `SELECT *`, `t.*`, `RETURNING *`: result columns that follow the schema rather than the SQL text, so a
 * statement with them is prepared afresh each time (SQLite re-prepares a cached one after a schema change,
 * but the column names cached beside it would be stale). `count(*)` is not one of them.
 */
const starColumns = /(^|[\s,.])\*\s*(,|from\b|;|$)/i;

/**
 * The part of `sql` that names its result columns, for the star test above: an INSERT, UPDATE or DELETE returns
 * only what its RETURNING clause names (a subquery cannot hold one), so the star of an `INSERT ... SELECT a.*`
 * does not make its statement uncacheable: that is a single device send's snapshot, prepared on every send otherwise.
 */
function resultColumnsPart(sql: string): string {
  if (!/^\s*(insert|replace|update|delete)\b/i.test(sql)) return sql;
  const returning = /\breturning\b(?![\s\S]*\breturning\b)/i.exec(sql);
  return returning ? sql.slice(returning.index) : '';
}

/**
 * A row as @libsql/client shapes it: the columns by name (enumerable; the first of two equal names wins)
 * and by position (`row[0]`, `row.length`, not enumerable), a blob as an ArrayBuffer. Positions come from a
 * prototype built once per statement, so a row costs one small object instead of a property definition per value.
 */
function rowMaker(columns: string[]): (values: unknown[]) => Row {
  const positions = Symbol('values');
  const proto = Object.create(Object.prototype) as Record<string | symbol, unknown>;
  Object.defineProperty(proto, 'length', { value: columns.length });
  columns.forEach((_, i) =>
    Object.defineProperty(proto, i, {
      get(this: Record<symbol, unknown[]>) {
        return this[positions]![i];
      },
    }),
  );
  // As @libsql/client: positions and `length` win over a column of that name (drizzle reads rows by
  // position), the first of two equal names wins, and `__proto__` is defined, not assigned.
  const names = columns.map((name, i) => (columns.indexOf(name) === i && !Object.hasOwn(proto, name) ? name : null));
  const defined = names.map((name) => name === '__proto__');
  return (values) => {
    const row = Object.create(proto) as Record<string | symbol, unknown>;
    Object.defineProperty(row, positions, { value: values });
    for (let i = 0; i < names.length; i++) {
      // null and a blob's Buffer are the only objects libsql-js reads
      if (typeof values[i] === 'object' && values[i] !== null) values[i] = arrayBufferOf(values[i] as Buffer);
      const name = names[i];
      if (name == null) continue;
      if (defined[i]) Object.defineProperty(row, name, { value: values[i], enumerable: true, writable: true, configurable: true });
      else row[name] = values[i];
    }
    return row as unknown as Row;
  };
}

/** A blob as @libsql/client gives it: the Buffer's own ArrayBuffer (a copy only if the Buffer is a view into a larger one). */
const arrayBufferOf = (blob: Buffer): ArrayBuffer =>
  blob.byteOffset === 0 && blob.byteLength === blob.buffer.byteLength
    ? (blob.buffer as ArrayBuffer)
    : (blob.buffer.slice(blob.byteOffset, blob.byteOffset + blob.byteLength) as ArrayBuffer);

const MIN_INTEGER = -(2n ** 63n);
const MAX_INTEGER = 2n ** 63n - 1n;

/**
 * Arguments as @libsql/client converts them. (Reads differ in one way: an integer beyond 2^53 comes back as
 * the nearest double instead of a RangeError; Herald stores none.)
 */
function toSqlValue(value: unknown): unknown {
  if (typeof value === 'number' && !Number.isFinite(value))
    throw new RangeError('Only finite numbers (not Infinity or NaN) can be passed as arguments');
  if (typeof value === 'bigint' && (value < MIN_INTEGER || value > MAX_INTEGER))
    throw new RangeError('bigint is too large to be represented as a 64-bit integer and passed as argument');
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value instanceof Date) return value.valueOf();
  if (value instanceof ArrayBuffer) return Buffer.from(value);
  if (value === undefined) throw new TypeError('undefined cannot be passed as argument to the database');
  return value;
}

function toArgs(args: InArgs | undefined): unknown[] | Record<string, unknown> {
  if (!args) return [];
  if (Array.isArray(args)) return args.map(toSqlValue);
  const named: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(args)) named[/^[@$:]/.test(name) ? name.slice(1) : name] = toSqlValue(value);
  return named;
}

/** A value as @libsql/client's `toJSON()` writes it: a bigint as a string, a blob in base64. */
const jsonValue = (value: unknown) =>
  typeof value === 'bigint' ? String(value) : value instanceof ArrayBuffer ? Buffer.from(value).toString('base64') : value;

/** A statement's result as @libsql/client's ResultSetImpl: the same fields and the same `toJSON()`, which lives on the prototype. */
class LocalResultSet implements ResultSet {
  constructor(
    readonly columns: string[],
    readonly columnTypes: string[],
    readonly rows: Row[],
    readonly rowsAffected: number,
    readonly lastInsertRowid: bigint | undefined,
  ) {}

  toJSON() {
    return {
      columns: this.columns,
      columnTypes: this.columnTypes,
      rows: this.rows.map((row) => Array.prototype.map.call(row, jsonValue)),
      rowsAffected: this.rowsAffected,
      lastInsertRowid: this.lastInsertRowid === undefined ? null : String(this.lastInsertRowid),
    };
  }
}

/** SQLite's primary result codes by number, as @libsql/client names them (an extended code's low byte is its primary). */
const primaryCodes = [
  'SQLITE_OK',
  'SQLITE_ERROR',
  'SQLITE_INTERNAL',
  'SQLITE_PERM',
  'SQLITE_ABORT',
  'SQLITE_BUSY',
  'SQLITE_LOCKED',
  'SQLITE_NOMEM',
  'SQLITE_READONLY',
  'SQLITE_INTERRUPT',
  'SQLITE_IOERR',
  'SQLITE_CORRUPT',
  'SQLITE_NOTFOUND',
  'SQLITE_FULL',
  'SQLITE_CANTOPEN',
  'SQLITE_PROTOCOL',
  'SQLITE_EMPTY',
  'SQLITE_SCHEMA',
  'SQLITE_TOOBIG',
  'SQLITE_CONSTRAINT',
  'SQLITE_MISMATCH',
  'SQLITE_MISUSE',
  'SQLITE_NOLFS',
  'SQLITE_AUTH',
  'SQLITE_FORMAT',
  'SQLITE_RANGE',
  'SQLITE_NOTADB',
  'SQLITE_NOTICE',
  'SQLITE_WARNING',
];

/** libsql-js's SqliteError as the LibsqlError @libsql/client would throw for it; anything else as it is. */
function asLibsqlError(error: unknown): unknown {
  if (!(error instanceof Error) || error.name !== 'SqliteError') return error;
  const { code, rawCode } = error as Error & { code: string; rawCode?: number };
  const primary = rawCode === undefined ? 'SQLITE_UNKNOWN' : (primaryCodes[rawCode & 0xff] ?? `SQLITE_UNKNOWN_${rawCode & 0xff}`);
  return new LibsqlError(error.message, primary, code, rawCode, error);
}

/** Runs a native call, throwing its failure as a LibsqlError. */
function native<T>(call: () => T): T {
  try {
    return call();
  } catch (error) {
    throw asLibsqlError(error);
  }
}

const isBusy = (error: unknown) => error instanceof LibsqlError && error.code === 'SQLITE_BUSY';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Calls `attempt` until SQLite stops answering SQLITE_BUSY, waiting 1, 2, 4 ... 50 ms between tries on a
 * timer (the event loop serves everything else meanwhile), for at most `timeoutMs`; then throws that BUSY.
 * `attempt` must leave nothing behind when it fails: a statement outside a transaction, a BEGIN, a batch
 * that rolls itself back.
 */
async function whileBusy<T>(timeoutMs: number, attempt: () => T | Promise<T>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (let delay = 1; ; delay = Math.min(delay * 2, 50)) {
    try {
      return await attempt();
    } catch (error) {
      const left = deadline - Date.now();
      if (!isBusy(error) || left <= 0) throw error;
      await sleep(Math.min(delay, left));
    }
  }
}

class Connection {
  readonly native: Native;
  private readonly cache = new Map<string, Prepared>();
  /**
   * A prepared statement answered SQLITE_BUSY here. libsql-js does not reset a statement that failed, and
   * SQLite counts one that met BUSY as still running: until it runs again, no COMMIT on this connection
   * succeeds ("SQL statements in progress") and a transaction begun on it keeps the write lock. So the
   * client drops such a connection instead of reusing it. (Transaction control goes through `exec`, which
   * finalises its statement, so a BEGIN that met the lock leaves the connection sound.)
   */
  metBusy = false;

  constructor(path: string, { pragmas = [] }: LocalClientOptions) {
    // no busy timeout: SQLite would wait for a lock inside the call, on the event loop (see whileBusy)
    this.native = native(() => new Libsql(path, { timeout: 0 } as object));
    for (const pragma of pragmas) native(() => this.native.exec(`PRAGMA ${pragma}`));
  }

  private prepare(sql: string): Prepared {
    let prepared = this.cache.get(sql);
    if (prepared) {
      // most recently used last, so eviction takes the coldest
      this.cache.delete(sql);
      this.cache.set(sql, prepared);
      return prepared;
    }
    const statement = this.native.prepare(sql);
    const described = statement.reader ? statement.columns() : null;
    // biome-ignore lint/complexity/useOptionalChain: null, not undefined, is what Prepared holds for a statement without rows
    const columns = described && described.map((c) => c.name);
    if (columns) statement.raw(true);
    const columnTypes = described ? described.map((c) => c.type ?? '') : [];
    prepared = { statement, columns, columnTypes, makeRow: columns && rowMaker(columns) };
    if (starColumns.test(resultColumnsPart(sql))) return prepared;
    if (this.cache.size >= CACHE_SIZE) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(sql, prepared);
    return prepared;
  }

  execute(stmt: InStatement): ResultSet {
    const { sql, args } = typeof stmt === 'string' ? { sql: stmt, args: undefined } : stmt;
    const bound = toArgs(args);
    try {
      const { statement, columns, columnTypes, makeRow } = this.prepare(sql);
      if (columns) return new LocalResultSet(columns, columnTypes, (statement.all(bound) as unknown[][]).map(makeRow!), 0, undefined);
      const info = statement.run(bound);
      return new LocalResultSet([], [], [], info.changes, BigInt(info.lastInsertRowid));
    } catch (error) {
      const failure = asLibsqlError(error);
      if (isBusy(failure)) this.metBusy = true;
      throw failure;
    }
  }

  /** BEGIN, COMMIT: run and finalised, never cached (see `metBusy`). */
  control(sql: string) {
    native(() => this.native.exec(sql));
  }

  /** Many statements in one string (migrations, pragmas): not cached. */
  executeMultiple(sql: string) {
    native(() => this.native.exec(sql));
    // a schema change may leave cached statements describing columns that changed
    this.cache.clear();
  }

  /** Rolls back whatever this connection holds, so dropping it can never leave a lock behind. */
  rollbackOpen() {
    if (this.native.open && this.native.inTransaction) native(() => this.native.exec('ROLLBACK'));
  }

  close() {
    try {
      this.rollbackOpen();
    } finally {
      this.cache.clear();
      if (this.native.open) this.native.close();
    }
  }
}

const begin = (mode: TransactionMode) =>
  mode === 'write' ? 'BEGIN IMMEDIATE' : mode === 'read' ? 'BEGIN TRANSACTION READONLY' : 'BEGIN DEFERRED';

export interface LocalClientOptions {
  /** How long a call waits for another connection's lock (SQLITE_BUSY), retrying off the event loop; none (fail at once) if not given, as @libsql/client. */
  timeoutMs?: number;
  /** Connections: one serves every call (they are synchronous); more only while transactions hold them. */
  concurrency?: number;
  /** Settings each connection runs as it opens (`synchronous = NORMAL`), so none serves a call without them. */
  pragmas?: readonly string[];
}

/** Opens a file (or `:memory:`, one connection) database; `path` is what follows `file:`. */
export function createLocalClient(path: string, options: LocalClientOptions = {}): Client {
  const memory = path === ':memory:';
  const timeoutMs = options.timeoutMs ?? 0;
  const max = memory ? 1 : Math.max(1, options.concurrency ?? 20);
  const idle: Connection[] = [];
  const borrowed = new Set<Connection>();
  const waiters: { resolve: (c: Connection) => void; reject: (e: unknown) => void }[] = [];
  let closed = false;

  const closedError = () => new LibsqlError('The client is closed', 'CLIENT_CLOSED');
  /** Drops a connection that could not be cleaned; a caller waiting for one gets a fresh connection. */
  const drop = (connection: Connection) => {
    try {
      connection.close();
    } catch {
      // unusable anyway
    }
    const waiter = closed ? undefined : waiters.shift();
    if (!waiter) return;
    try {
      waiter.resolve(acquireNow());
    } catch (error) {
      waiter.reject(error);
    }
  };
  const open = () => new Connection(path, options);
  const acquireNow = () => {
    if (closed) throw closedError();
    const connection = idle.pop() ?? open();
    borrowed.add(connection);
    return connection;
  };
  const acquire = (): Promise<Connection> => {
    if (closed) return Promise.reject(closedError());
    if (idle.length || borrowed.size < max) return Promise.resolve(acquireNow());
    return new Promise((resolve, reject) => waiters.push({ resolve, reject }));
  };
  const release = (connection: Connection) => {
    borrowed.delete(connection);
    if (connection.metBusy) return drop(connection);
    try {
      connection.rollbackOpen();
    } catch {
      return drop(connection);
    }
    if (closed) return drop(connection);
    const waiter = waiters.shift();
    if (waiter) {
      borrowed.add(connection);
      waiter.resolve(connection);
    } else idle.push(connection);
  };
  /**
   * Runs `fn` on a connection borrowed for the call (synchronously: nothing else runs meanwhile), again while
   * another connection's lock answers it SQLITE_BUSY, for up to `retryMs`.
   */
  const withConnection = <T>(fn: (c: Connection) => T, retryMs = timeoutMs): Promise<T> =>
    whileBusy(retryMs, async () => {
      // each try on a connection of its own: one that met BUSY is dropped (see Connection.metBusy)
      const connection = await acquire();
      try {
        // close() may have landed between the borrow and this call
        if (closed) throw closedError();
        return fn(connection);
      } finally {
        // rolls back a batch that failed half-way, so the next try starts clean
        release(connection);
      }
    });
  const batchOn = (connection: Connection, stmts: InStatement[], mode: string) => {
    connection.control(mode);
    const results = inBatch(stmts, (s, i) => {
      // as @libsql/client: a statement that rolled the transaction back (ROLLBACK, ON CONFLICT ROLLBACK) ends the batch
      if (!connection.native.inTransaction) throw new LibsqlBatchError('The transaction has been rolled back', i, 'TRANSACTION_CLOSED');
      return connection.execute(s);
    });
    connection.control('COMMIT');
    return results;
  };

  // fail fast if the database cannot be opened at all
  release(acquireNow());

  const client: Client = {
    protocol: 'file',
    get closed() {
      return closed;
    },
    execute: ((stmtOrSql: InStatement, args?: InArgs) =>
      withConnection((c) =>
        c.execute(typeof stmtOrSql === 'string' ? { sql: stmtOrSql, args: args ?? [] } : stmtOrSql),
      )) as Client['execute'],
    batch: (stmts, mode = 'deferred') => withConnection((c) => batchOn(c, stmts.map(normalise), begin(mode))),
    migrate: (stmts) =>
      withConnection((c) => {
        c.execute('PRAGMA foreign_keys=off');
        try {
          return batchOn(c, stmts, 'BEGIN DEFERRED');
        } finally {
          c.rollbackOpen();
          c.execute('PRAGMA foreign_keys=on');
        }
      }),
    // not tried again: the statements before the one that met a lock have run
    executeMultiple: (sql) => withConnection((c) => c.executeMultiple(sql), 0),
    async transaction(mode: TransactionMode = 'write'): Promise<Transaction> {
      const connection = await whileBusy(timeoutMs, async () => {
        const c = await acquire();
        try {
          if (closed) throw closedError();
          c.control(begin(mode));
          return c;
        } catch (error) {
          release(c);
          throw error;
        }
      });
      return localTransaction(connection, release);
    },
    sync: () => Promise.reject(new Error('sync() is for embedded replicas; this is a local database file')),
    reconnect: async () => undefined,
    close() {
      closed = true;
      for (const w of waiters.splice(0)) w.reject(closedError());
      for (const c of [...idle, ...borrowed]) drop(c);
      idle.length = 0;
      borrowed.clear();
    },
  } as Client;
  // free now: no connection borrowed (by a transaction, or by a call waiting on a timer for a lock), no call waiting for one
  idleNow.set(client, () => !closed && borrowed.size === 0 && waiters.length === 0);
  return client;
}

/** Whether one of these clients has no connection borrowed and no call waiting for one. */
const idleNow = new WeakMap<Client, () => boolean>();

/**
 * A client for reads that runs each single statement on `preferred`'s connection whenever it is free at once, else on
 * `other`; transactions, batches and the rest always on `other`. For the writer's connection as `preferred`: SQLite drops a
 * connection's whole page cache when it starts reading after another connection committed, so with a write between
 * every two requests (200 device sends a second), every read of the reader connections began with a cold cache and
 * read each page it needed again (a token's lookup took ~155 µs, a device's ~100 µs). The writer's own commits keep its
 * cache, and between write transactions its connection is free: transactions here run synchronously from BEGIN to
 * COMMIT unless one waits for another process's lock, and then it is borrowed and reads go to `other`. A read there sees
 * exactly what one on `other` would (committed rows only: never inside an open transaction, which holds the connection).
 */
export function preferringIdle(preferred: Client, other: Client): Client {
  const isIdle = idleNow.get(preferred);
  if (!isIdle) return other;
  return {
    protocol: other.protocol,
    get closed() {
      return other.closed;
    },
    execute: ((stmtOrSql: InStatement, args?: InArgs) =>
      isIdle() ? preferred.execute(stmtOrSql as string, args) : other.execute(stmtOrSql as string, args)) as Client['execute'],
    batch: (stmts, mode) => other.batch(stmts, mode),
    migrate: (stmts) => other.migrate(stmts),
    transaction: (mode) => other.transaction(mode),
    executeMultiple: (sql) => other.executeMultiple(sql),
    sync: () => other.sync(),
    reconnect: () => other.reconnect(),
    close: () => other.close(),
  } as Client;
}

/** Runs a batch's statements in order; a LibsqlError becomes @libsql/client's LibsqlBatchError naming the statement. */
function inBatch(stmts: InStatement[], execute: (stmt: InStatement, index: number) => ResultSet): ResultSet[] {
  const results: ResultSet[] = [];
  for (let i = 0; i < stmts.length; i++) {
    try {
      results.push(execute(stmts[i]!, i));
    } catch (error) {
      if (!(error instanceof LibsqlError) || error instanceof LibsqlBatchError) throw error;
      // the message already starts with the code; @libsql/client prefixes it once more, and so does this
      throw new LibsqlBatchError(
        error.message,
        i,
        error.code,
        error.extendedCode,
        error.rawCode,
        error.cause instanceof Error ? error.cause : undefined,
      );
    }
  }
  return results;
}

const normalise = (s: InStatement | [string, InArgs?]): InStatement => (Array.isArray(s) ? { sql: s[0], args: s[1] ?? [] } : s);

/** A transaction owns its connection until commit, rollback or close hands it back. */
function localTransaction(connection: Connection, release: (c: Connection) => void): Transaction {
  let held: Connection | null = connection;
  const settle = () => {
    if (held) release(held);
    held = null;
  };
  // `open` first: reading `inTransaction` of a closed native connection aborts the process
  // biome-ignore lint/complexity/useOptionalChain: a boolean, read in this order on purpose (see above)
  const isOpen = () => held !== null && held.native.open && held.native.inTransaction;
  const current = () => {
    if (!isOpen()) throw new LibsqlError('The transaction is closed', 'TRANSACTION_CLOSED');
    return held!;
  };
  return {
    execute: async (stmt: InStatement) => current().execute(stmt),
    batch: async (stmts: InStatement[]) => inBatch(stmts.map(normalise), (s) => current().execute(s)),
    executeMultiple: async (sql: string) => current().executeMultiple(sql),
    async commit() {
      try {
        current().control('COMMIT');
      } finally {
        settle();
      }
    },
    async rollback() {
      try {
        if (isOpen()) held!.rollbackOpen();
      } finally {
        settle();
      }
    },
    close: settle,
    get closed() {
      return !isOpen();
    },
  } as Transaction;
}
