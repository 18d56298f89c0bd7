/**
 * The file a `file:` URL names, decoded as @libsql/client decodes it (the checkpointer thread opens the same URL
 * through it): `file:data/herald.db`, `file:/abs/path`, `file:///abs/path`, `file://localhost/abs/path`, with
 * percent-escapes. Query strings and fragments are refused rather than becoming part of a file name.
 */
export function filePath(url: string): string {
  let rest = url.slice('file:'.length);
  if (/[?#]/.test(rest))
    throw new Error(`Unsupported database URL '${url}': query strings and fragments are not supported in a file: URL.`);
  if (rest.startsWith('//')) {
    const slash = rest.indexOf('/', 2);
    const host = rest.slice(2, slash === -1 ? undefined : slash);
    if (host !== '' && host !== 'localhost') throw new Error(`Unsupported database URL '${url}': a file: URL names no host but localhost.`);
    rest = slash === -1 ? '' : rest.slice(slash);
  }
  return decodeURIComponent(rest);
}
