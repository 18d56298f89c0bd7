import { sql, type SQL } from 'drizzle-orm';

/**
 * Rows that cross between SQL and TypeScript as JSON arrays: one JSON value for many rows costs far less than the
 * client's row objects (out of SQL) or a bound parameter per value (into SQL). The positions in those arrays come
 * from one list of named fields on both sides, so reordering, adding or removing a field cannot hand one field's
 * value to another (a title shown as the body).
 */

/** The TypeScript type of each field's SQL expression (`sql<string>\`n.title\``). */
export type JsonRow<F extends Record<string, SQL>> = { [K in keyof F]: F[K] extends SQL<infer T> ? T : never };

/** Fields SQL builds into one `json_array` per row, decoded by name in the same order. */
export function jsonRowOut<F extends Record<string, SQL>>(fields: F) {
  const names = Object.keys(fields);
  return {
    /** `json_array(…)` of the fields' expressions, in the list's order. */
    sql: sql`json_array(${sql.join(Object.values(fields), sql`, `)})`,
    /** One array as `sql` built it, as an object by field name. */
    decode(values: readonly unknown[]): JsonRow<F> {
      const row: Record<string, unknown> = {};
      for (let i = 0; i < names.length; i++) row[names[i]!] = values[i];
      return row as JsonRow<F>;
    },
  };
}

/**
 * Fields TypeScript sends as one array per row inside one JSON parameter, which SQL unpacks by name in the same
 * order: `SELECT ${columns} FROM json_each(${JSON.stringify(rows.map(encode))})`. Every key of `T` is listed.
 */
export function jsonRowIn<T extends Record<string, unknown>>(...names: (keyof T & string)[]) {
  return {
    encode: (row: T): unknown[] => names.map((name) => row[name]),
    /** `value->>0 AS first, value->>1 AS second, …` over json_each's rows. */
    columns: sql.raw(names.map((name, i) => `value->>${i} AS "${name}"`).join(', ')),
  };
}
