/**
 * A drizzle prepared query per database, built on first use: for reads every request runs, where building
 * the SQL each time costs more than SQLite running it. Reader connection only: inside a write transaction a
 * query prepared on the writer would wait for the connection that transaction holds.
 */
export function preparedPer<K extends object, Q>(build: (key: K) => Q): (key: K) => Q {
  const built = new WeakMap<K, Q>();
  return (key) => {
    let query = built.get(key);
    if (!query) built.set(key, (query = build(key)));
    return query;
  };
}
