/**
 * Why the database cannot take a request now, whatever the request: `busy` (another process held the write
 * lock past the busy timeout), `storageFull` (the disk or the database's size limit), `storageUnavailable`
 * (the disk failed a read, write or sync, or the file cannot be opened or written). The HTTP layer decides
 * what the client hears (server/http/errors.ts).
 */
export type UnavailableReason = 'busy' | 'storageFull' | 'storageUnavailable';

export class DatabaseUnavailableError extends Error {
  constructor(
    readonly reason: UnavailableReason,
    cause: unknown,
  ) {
    super(`The database is unavailable (${reason}): ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'DatabaseUnavailableError';
  }
}

/**
 * SQLite's result codes (as LibsqlError's `code`, extended ones included by prefix) and the errno of a
 * failed file sync, by the reason they mean.
 */
const reasons: [code: string, reason: UnavailableReason][] = [
  ['SQLITE_BUSY', 'busy'],
  ['SQLITE_FULL', 'storageFull'],
  ['ENOSPC', 'storageFull'],
  ['EDQUOT', 'storageFull'],
  ['SQLITE_IOERR', 'storageUnavailable'],
  ['SQLITE_CANTOPEN', 'storageUnavailable'],
  ['SQLITE_READONLY', 'storageUnavailable'],
  ['EIO', 'storageUnavailable'],
  ['EROFS', 'storageUnavailable'],
];

const reasonOf = (code: string) => reasons.find(([c]) => code === c || code.startsWith(`${c}_`))?.[1];

/** The failure as a DatabaseUnavailableError if it (or a cause it wraps, e.g. drizzle's query error) is one; else null. */
export function databaseUnavailable(error: unknown): DatabaseUnavailableError | null {
  for (let e = error; e instanceof Error; e = e.cause) {
    if (e instanceof DatabaseUnavailableError) return e;
    const code = (e as { code?: unknown }).code;
    const reason = typeof code === 'string' ? reasonOf(code) : undefined;
    if (reason) return new DatabaseUnavailableError(reason, e);
  }
  return null;
}
