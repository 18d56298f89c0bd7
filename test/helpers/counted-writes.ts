import type { Database } from '../../server/db/client';

/** `database` with its write transactions counted: for tests that pin how many writes (and so lock holds) a job takes. */
export function countedWrites(database: Database): { database: Database; writes: () => number } {
  let writes = 0;
  return {
    database: {
      ...database,
      write: (fn) => {
        writes++;
        return database.write(fn);
      },
    },
    writes: () => writes,
  };
}
