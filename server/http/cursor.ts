import { invalidRequest } from '../errors';

/** An opaque keyset cursor: the sort key of the last item of a page. */
export function encodeCursor(key: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/** Decodes a cursor made by `encodeCursor` with the same key shape, or throws 400. */
export function decodeCursor<K extends readonly ('string' | 'number')[]>(
  cursor: string,
  shape: K,
): { [I in keyof K]: K[I] extends 'string' ? string : number } {
  try {
    const key: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString());
    if (Array.isArray(key) && key.length === shape.length && key.every((v, i) => typeof v === shape[i])) return key as never;
  } catch {
    /* fall through */
  }
  throw invalidRequest('cursor: not a cursor this list gave out.');
}

/**
 * Cuts a page from rows fetched with `LIMIT limit + 1`: the first `limit` rows, and a cursor made from
 * the last of them when the extra row shows that more follow.
 */
export function pageOf<T>(rows: T[], limit: number, keyOf: (last: T) => readonly (string | number)[]): { rows: T[]; nextCursor: string | null } {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return { rows: page, nextCursor: rows.length > limit && last !== undefined ? encodeCursor(keyOf(last)) : null };
}
