import { invalidRequest } from './errors';

/** The longest cursor any list gives out, and the longest string a cursor element may hold (ids are at most 128). */
const MAX_CURSOR_LENGTH = 1024;
const MAX_STRING_LENGTH = 256;
// C0 and C1 control characters, DEL included, and (with the u flag, which reads a surrogate pair as one character) lone surrogates.
// eslint-disable-next-line no-control-regex
const UNFIT = /[\u0000-\u001f\u007f-\u009f\ud800-\udfff]/u;

type Element = 'string' | 'number';

/** A number is a safe integer (every key Herald pages on is one); a string is short, well-formed and without control characters. */
const valid: Record<Element, (v: unknown) => boolean> = {
  number: (v) => Number.isSafeInteger(v) && !Object.is(v, -0),
  string: (v) => typeof v === 'string' && v.length <= MAX_STRING_LENGTH && !UNFIT.test(v),
};

/** An opaque keyset cursor: the sort key of the last item of a page. */
export function encodeCursor(key: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/**
 * Decodes a cursor made by `encodeCursor` with the same key shape, or throws 400. Only the exact text
 * `encodeCursor` would give for a valid key passes: no padding, stray characters, spacing, `1e999`, `-0` or `1.0`.
 */
export function decodeCursor<K extends readonly Element[]>(
  cursor: string,
  shape: K,
): { [I in keyof K]: K[I] extends 'string' ? string : number } {
  if (cursor.length <= MAX_CURSOR_LENGTH) {
    try {
      const key: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString());
      if (Array.isArray(key) && key.length === shape.length && key.every((v, i) => valid[shape[i]!](v)) && encodeCursor(key) === cursor)
        return key as never;
    } catch {
      /* fall through */
    }
  }
  throw invalidRequest('cursor: not a cursor this list gave out.');
}

/**
 * Cuts a page from rows fetched with `LIMIT limit + 1`: the first `limit` rows, and a cursor made from
 * the last of them when the extra row shows that more follow.
 */
export function pageOf<T>(
  rows: T[],
  limit: number,
  keyOf: (last: T) => readonly (string | number)[],
): { rows: T[]; nextCursor: string | null } {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return { rows: page, nextCursor: rows.length > limit && last !== undefined ? encodeCursor(keyOf(last)) : null };
}
