import { AsyncLocalStorage } from 'node:async_hooks';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createClient, type Client } from '@libsql/client';
import { drizzle, type LibSQLDatabase } from 'drizzle-orm/libsql';
import { migrate } from 'drizzle-orm/libsql/migrator';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import { startCheckpointer, type Checkpointer } from './checkpointer';
import { DatabaseUnavailableError, databaseUnavailable } from './errors';
import { filePath } from './file-url';
import { createLocalClient, preferringIdle } from './local-client';
import { keptOpen, syncTimings, timed, walSyncer, type SyncTimings } from './wal-sync';

export type Db = LibSQLDatabase;
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

export interface Database {
  db: Db;
  client: Client;
  /**
   * Runs `fn` in a write transaction (BEGIN IMMEDIATE), durable when the promise resolves. Write
   * transactions are serialised within the process (concurrent libSQL write transactions on one
   * client collide and can leave a connection broken, which would silently break exact quotas) and
   * group-committed; a write waits for another process's lock (off the event loop) up to the busy timeout,
   * then fails with DatabaseUnavailableError('busy'). A full or failing disk fails it with
   * DatabaseUnavailableError('storageFull' | 'storageUnavailable'), and nothing of it is committed.
   * `fn` must not call `write` again (it would wait for itself forever): that call fails at once.
   */
  write<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  /** How long the WAL's fdatasyncs took (with `backgroundIo`, which makes commits durable by them; else null). */
  walSyncs: SyncTimings | null;
  /** Closes every connection; settles once the checkpointer thread has let go of the files too (delete them after). */
  close(): Promise<void>;
}

export const migrationsFolder = fileURLToPath(new URL('./migrations', import.meta.url));

/** A database failure as the DatabaseUnavailableError it means, if it means one. */
const typed = (error: unknown) => databaseUnavailable(error) ?? error;

const nestedWrite = () =>
  new Error(
    'database.write() was called inside a write, where it would wait for the outer write forever: use the transaction the outer write passed to its function (e.g. auditIn(tx, ...), not audit(database, ...)).',
  );

interface PendingWrite {
  fn: (tx: Tx) => Promise<unknown>;
  settle: (outcome: { ok: true; value: unknown } | { ok: false; error: unknown }) => void;
}

/** Writes that queued up while one transaction ran share the next one: one commit for all. */
const MAX_GROUP = 128;

/**
 * Opens the database: one client for reads and a dedicated one for write transactions. On Herald's own client for a
 * file, a read (a single statement, through `db`) runs on the writer's connection whenever no transaction holds it, on
 * a reader's otherwise (preferringIdle in local-client.ts: SQLite drops a reader's page cache at every commit of another
 * connection, so at a write between every two requests each read began cold).
 *
 * Writes are serialised and group-committed: the writes waiting when the writer frees up run one after
 * another in ONE transaction, each inside its own savepoint, so a write that throws rolls back alone,
 * every write still sees the ones before it (quotas stay exact), and the batch pays for one durable
 * commit instead of one each. Each caller's promise settles only after that commit.
 *
 * A write that meets another process's lock (a CLI import, a second `herald serve` or `worker`) retries its
 * BEGIN IMMEDIATE from a timer (local-client.ts), so requests that need no write lock are served meanwhile.
 * The libsql-js bug that left a connection unable to commit after BUSY (STYLE.md: libsql-js leaves a
 * statement that met BUSY running) is handled there too; a writer through @libsql/client is replaced after BUSY.
 *
 * A write that fails for a reason that is not its own (a full disk, an I/O error) fails its whole group:
 * SQLite may have rolled the transaction back under it, so no write of the group is reported committed.
 */
export function openDatabase(url: string, options: OpenOptions = {}): Database {
  const { authToken, busyTimeoutMs = 20_000 } = options;
  const path = url.startsWith('file:') ? filePath(url) : null;
  const file = path && path !== ':memory:' ? path : null;
  if (file) mkdirSync(dirname(file), { recursive: true });
  // a file is served by Herald's own client (statements prepared once per connection) unless `client: 'libsql'`
  // asks for @libsql/client, which a server always gets: then it runs as on a server, without background I/O
  const local = path !== null && options.client !== 'libsql';
  const backgroundIo = Boolean(options.backgroundIo && file && local);
  const open = (concurrency?: number, pragmas?: string[]) =>
    local
      ? createLocalClient(path, { timeoutMs: busyTimeoutMs, concurrency, pragmas })
      : createClient({ url, authToken, timeout: busyTimeoutMs, concurrency });
  const client = open();
  const walSyncs = backgroundIo ? syncTimings() : null;
  const wal = walSyncs ? walSyncer(timed(keptOpen(`${file}-wal`), walSyncs)) : null;
  const durable = () => wal?.sync() ?? Promise.resolve();
  let checkpointer: Checkpointer | null = backgroundIo
    ? startCheckpointer(url, () => {
        // the thread is gone: commits checkpoint as SQLite does by default rather than let the WAL grow
        checkpointer = null;
        writer.execute('PRAGMA wal_autocheckpoint = 1000').catch(() => undefined);
      })
    : null;
  // One connection (a transaction at a time, group-committed), set up as it opens:
  const openWriter = () =>
    open(1, [
      // the WAL's fsync happens in durable(), before any caller hears of the commit
      ...(backgroundIo ? ['journal_mode = WAL', 'synchronous = NORMAL'] : []),
      // the checkpointer thread does this work; a commit on the event loop must not
      ...(checkpointer ? ['wal_autocheckpoint = 0'] : []),
    ]);
  let writer = openWriter();
  let writerDb = drizzle(writer);
  // reads run on the writer's connection while it is free, whose page cache every commit of the others' would drop
  const db = drizzle(local && file ? preferringIdle(writer, client) : client);
  const queue: PendingWrite[] = [];
  let draining = false;
  /** Set while a write's `fn` runs (and cleared after), so a `write` it makes, however deep, is refused. */
  const insideWrite = new AsyncLocalStorage<{ running: boolean }>();
  const run = async <T>(fn: (tx: Tx) => Promise<T>, tx: Tx): Promise<T> => {
    const flag = { running: true };
    try {
      return await insideWrite.run(flag, () => fn(tx));
    } finally {
      // work `fn` started but left running (a timer, an unawaited promise) may write once it is over
      flag.running = false;
    }
  };

  async function commitGroup(group: PendingWrite[]) {
    const outcomes: Parameters<PendingWrite['settle']>[0][] = [];
    try {
      await writerDb.transaction(async (tx) => {
        if (group.length === 1) {
          // alone in the transaction, a write needs no savepoint: if it throws, rolling back everything undoes only it
          try {
            outcomes.push({ ok: true, value: await run(group[0]!.fn, tx) });
          } catch (error) {
            outcomes.push({ ok: false, error });
            throw error;
          }
          return;
        }
        for (const { fn } of group) {
          try {
            outcomes.push({ ok: true, value: await tx.transaction((savepoint) => run(fn, savepoint)) });
          } catch (error) {
            // the database failed, not the write: the transaction may be gone, so the whole group fails
            if (databaseUnavailable(error)) throw error;
            outcomes.push({ ok: false, error });
          }
        }
      });
    } catch (error) {
      // nothing of the group was committed (the lone write's own failure included, now rolled back)
      const failure = typed(group.length === 1 && outcomes[0]?.ok === false ? outcomes[0].error : error);
      // @libsql/client's connection can be left unable to commit after BUSY (the libsql-js bug handled inside
      // the local client): replace it, so one busy moment does not fail every later write of the process
      if (!local && failure instanceof DatabaseUnavailableError && failure.reason === 'busy') {
        writer.close();
        writer = openWriter();
        writerDb = drizzle(writer);
      }
      for (const { settle } of group) settle({ ok: false, error: failure });
      return;
    }
    // The next group may start now; this one's callers hear of their commit once it is on disk. If the disk
    // cannot sync (EIO), they get an error although the rows are committed: like a crash before the answer,
    // nothing is reported accepted that might not survive a power loss.
    durable().then(
      () => group.forEach(({ settle }, i) => settle(outcomes[i]!)),
      (error: unknown) => group.forEach(({ settle }) => settle({ ok: false, error: typed(error) })),
    );
  }

  async function drain() {
    draining = true;
    while (queue.length) await commitGroup(queue.splice(0, MAX_GROUP));
    draining = false;
  }

  return {
    db,
    client,
    walSyncs,
    write<T>(fn: (tx: Tx) => Promise<T>) {
      if (insideWrite.getStore()?.running) return Promise.reject(nestedWrite());
      return new Promise<T>((resolve, reject) => {
        queue.push({ fn, settle: (o) => (o.ok ? resolve(o.value as T) : reject(o.error)) });
        if (!draining) void drain();
      });
    },
    close: async () => {
      const stopped = checkpointer?.stop();
      wal?.close();
      client.close();
      writer.close();
      await stopped;
    },
  };
}

export interface OpenOptions {
  authToken?: string;
  /** How long a write waits for another process's lock before failing (SQLite's busy timeout). */
  busyTimeoutMs?: number;
  /**
   * For a long-running process on a database file: keep disk waits off the event loop. Commits are made
   * durable by an fdatasync of the WAL in libuv's thread pool (instead of inside COMMIT), and the WAL is
   * moved into the database by a thread of its own (instead of inside whichever commit crosses SQLite's
   * automatic checkpoint threshold). Either would otherwise hold every request while the disk answers.
   */
  backgroundIo?: boolean;
  /** `libsql` opens a file through @libsql/client, the client a libSQL server is reached with (`HERALD_DB_CLIENT`). */
  client?: DbClient;
}

/** Herald's own client for a file (`local`, the default) or @libsql/client (`libsql`, always used for a server). */
export type DbClient = 'local' | 'libsql';

/**
 * Applies the committed drizzle migrations; WAL lets readers proceed while one process writes. Refuses a database a
 * newer Herald migrated: this version would write rows that version's readers cannot find (drizzle itself would go on).
 */
export async function migrateDatabase(database: Database): Promise<void> {
  if (database.client.protocol === 'file') await database.client.execute('PRAGMA journal_mode=WAL');
  const newer = await unknownMigrations(database);
  if (newer > 0)
    throw new Error(
      `The database has ${newer} migration(s) this version of Herald does not know: a newer Herald upgraded it. Run that version (or restore a backup taken before the upgrade).`,
    );
  await migrate(database.db, { migrationsFolder });
  // absorb a WAL left by a previous process now, not in the first request's commit
  await checkpoint(database);
}

let committedMigrations: Set<number> | undefined;

/** The committed migrations (by their folder time) and those the database has applied (none when never migrated). */
async function migrationsOf(database: Database): Promise<{ committed: Set<number>; applied: Set<number> }> {
  // read (and hashed) once: the committed migrations cannot change while the process runs
  committedMigrations ??= new Set(readMigrationFiles({ migrationsFolder }).map((m) => m.folderMillis));
  const applied = await database.client
    .execute('SELECT created_at FROM __drizzle_migrations')
    .then((r) => new Set(r.rows.map((row) => Number(row.created_at))))
    .catch(() => new Set<number>());
  return { committed: committedMigrations, applied };
}

/** How many committed migrations this database has not applied (all of them when it was never migrated). */
export async function pendingMigrations(database: Database): Promise<number> {
  const { committed, applied } = await migrationsOf(database);
  return [...committed].filter((millis) => !applied.has(millis)).length;
}

/** How many migrations this database has applied that this version does not have (a newer Herald's). */
async function unknownMigrations(database: Database): Promise<number> {
  const { committed, applied } = await migrationsOf(database);
  return [...applied].filter((millis) => !committed.has(millis)).length;
}

/**
 * Moves the WAL's pages into the database file and empties it. After a bulk write (an import, an
 * erasure) this is paid once, by the request that caused it, instead of by whichever later commit
 * happens to trigger SQLite's automatic checkpoint.
 */
export async function checkpoint(database: Database): Promise<void> {
  if (database.client.protocol === 'file') await database.client.execute('PRAGMA wal_checkpoint(TRUNCATE)');
}
