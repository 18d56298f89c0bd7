import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createClient, type Client } from '@libsql/client';
import { drizzle, type LibSQLDatabase } from 'drizzle-orm/libsql';
import { migrate } from 'drizzle-orm/libsql/migrator';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import { AppError } from '../errors';
import { startCheckpointer, type Checkpointer } from './checkpointer';
import { filePath } from './file-url';
import { createLocalClient } from './local-client';
import * as schema from './schema';
import { keptOpen, walSyncer } from './wal-sync';

export type Db = LibSQLDatabase<typeof schema>;
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

export interface Database {
  db: Db;
  client: Client;
  /**
   * Runs `fn` in a write transaction (BEGIN IMMEDIATE), durable when the promise resolves. Write
   * transactions are serialised within the process (concurrent libSQL write transactions on one
   * client collide and can leave a connection broken, which would silently break exact quotas) and
   * group-committed; other processes on the same file wait on the busy timeout.
   */
  write<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  close(): void;
}

export const migrationsFolder = fileURLToPath(new URL('./migrations', import.meta.url));

/** SQLite's "another connection holds the write lock" (past the busy timeout), wherever drizzle wrapped it. */
function isBusy(error: unknown): boolean {
  // SQLITE_BUSY and its extended codes (SQLITE_BUSY_SNAPSHOT, _RECOVERY, _TIMEOUT)
  for (let e = error; e instanceof Error; e = e.cause) if (/^SQLITE_BUSY/.test((e as { code?: string }).code ?? '') || /SQLITE_BUSY/.test(e.message)) return true;
  return false;
}

interface PendingWrite {
  fn: (tx: Tx) => Promise<unknown>;
  settle: (outcome: { ok: true; value: unknown } | { ok: false; error: unknown }) => void;
}

/** Writes that queued up while one transaction ran share the next one: one commit for all. */
const MAX_GROUP = 128;

/**
 * Opens the database: one client for reads and a dedicated one for write transactions.
 *
 * Writes are serialised and group-committed: the writes waiting when the writer frees up run one after
 * another in ONE transaction, each inside its own savepoint, so a write that throws rolls back alone,
 * every write still sees the ones before it (quotas stay exact), and the batch pays for one durable
 * commit instead of one each. Each caller's promise settles only after that commit.
 *
 * A write that waited out the busy timeout (another process held the lock, e.g. a CLI import) can leave
 * its connection unable to commit ever again (an open libsql-js bug), so the writer is then replaced and
 * the callers get a 503 to retry, instead of every later write in this process failing.
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
  const db = drizzle(client, { schema });
  const wal = backgroundIo ? walSyncer(keptOpen(`${file}-wal`)) : null;
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
  let writerDb = drizzle(writer, { schema });
  const queue: PendingWrite[] = [];
  let draining = false;

  async function commitGroup(group: PendingWrite[]) {
    const outcomes: Parameters<PendingWrite['settle']>[0][] = [];
    try {
      await writerDb.transaction(async (tx) => {
        if (group.length === 1) {
          // alone in the transaction, a write needs no savepoint: if it throws, rolling back everything undoes only it
          try {
            outcomes.push({ ok: true, value: await group[0]!.fn(tx) });
          } catch (error) {
            outcomes.push({ ok: false, error });
            throw error;
          }
          return;
        }
        for (const { fn } of group) {
          try {
            outcomes.push({ ok: true, value: await tx.transaction(fn) });
          } catch (error) {
            outcomes.push({ ok: false, error });
          }
        }
      });
    } catch (error) {
      // the lone write's own failure, now rolled back
      if (group.length === 1 && outcomes[0]?.ok === false) return group[0]!.settle(outcomes[0]);
      let failure = error;
      if (isBusy(error)) {
        writer.close();
        writer = openWriter();
        writerDb = drizzle(writer, { schema });
        failure = new AppError(503, 'databaseBusy', 'The database is busy with another process; try again shortly.', undefined, { 'Retry-After': '1' });
      }
      // nothing of the group was committed
      for (const { settle } of group) settle({ ok: false, error: failure });
      return;
    }
    // The next group may start now; this one's callers hear of their commit once it is on disk. If the disk
    // cannot sync (EIO), they get an error although the rows are committed: like a crash before the answer,
    // nothing is reported accepted that might not survive a power loss.
    durable().then(
      () => group.forEach(({ settle }, i) => settle(outcomes[i]!)),
      (error: unknown) => group.forEach(({ settle }) => settle({ ok: false, error })),
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
    write<T>(fn: (tx: Tx) => Promise<T>) {
      return new Promise<T>((resolve, reject) => {
        queue.push({ fn, settle: (o) => (o.ok ? resolve(o.value as T) : reject(o.error)) });
        if (!draining) void drain();
      });
    },
    close: () => {
      checkpointer?.stop();
      wal?.close();
      client.close();
      writer.close();
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

/** Applies the committed drizzle migrations; WAL lets readers proceed while one process writes. */
export async function migrateDatabase(database: Database): Promise<void> {
  if (database.client.protocol === 'file') await database.client.execute('PRAGMA journal_mode=WAL');
  await migrate(database.db, { migrationsFolder });
  // absorb a WAL left by a previous process now, not in the first request's commit
  await checkpoint(database);
}

let committedMigrations: number[] | undefined;

/** How many committed migrations this database has not applied (all of them when it was never migrated). */
export async function pendingMigrations(database: Database): Promise<number> {
  // read (and hashed) once: the committed migrations cannot change while the process runs
  committedMigrations ??= readMigrationFiles({ migrationsFolder }).map((m) => m.folderMillis);
  const committed = committedMigrations;
  const applied = await database.client
    .execute('SELECT created_at FROM __drizzle_migrations')
    .then((r) => new Set(r.rows.map((row) => Number(row.created_at))))
    .catch(() => new Set<number>());
  return committed.filter((millis) => !applied.has(millis)).length;
}

/**
 * Moves the WAL's pages into the database file and empties it. After a bulk write (an import, an
 * erasure) this is paid once, by the request that caused it, instead of by whichever later commit
 * happens to trigger SQLite's automatic checkpoint.
 */
export async function checkpoint(database: Database): Promise<void> {
  if (database.client.protocol === 'file') await database.client.execute('PRAGMA wal_checkpoint(TRUNCATE)');
}
