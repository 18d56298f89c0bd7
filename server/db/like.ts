import { sql, type SQL, type SQLWrapper } from 'drizzle-orm';

/** `LIKE` pattern matching `text` anywhere (so also as a prefix), with its wildcards taken literally. */
const containsPattern = (text: string) => `%${text.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;

/** `column` contains `text` (case-insensitively for ASCII, as SQLite's LIKE). */
export const contains = (column: SQLWrapper, text: string): SQL => sql`${column} LIKE ${containsPattern(text)} ESCAPE '\\'`;
