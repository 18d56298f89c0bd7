import { sql, type SQL } from 'drizzle-orm';
import type { LanguageCounts, Translations } from '../../shared/schemas';

/** The primary language subtag of a BCP 47 tag, lower case: `fr` of `fr-CA`. */
const primaryOf = (tag: string) => tag.split('-')[0]!.toLowerCase();

/**
 * The translation a user whose preferred language is `userLanguage` (an SQL expression, canonical BCP 47 or NULL)
 * gets, as SQL: the exact tag; else the first translation (in the send's order) with the same primary language
 * (`fr-CA` -> `fr-FR`); else NULL, the default title and body. One CASE over at most 20 tags, so the choice is made
 * inside the audience snapshot's INSERT ... SELECT, for every device at once.
 */
export function languageChoiceSql(translations: Translations, userLanguage: SQL): SQL {
  const tags = Object.keys(translations);
  if (tags.length === 0) return sql`NULL`;
  const primary = sql`lower(CASE WHEN instr(${userLanguage}, '-') > 0 THEN substr(${userLanguage}, 1, instr(${userLanguage}, '-') - 1) ELSE ${userLanguage} END)`;
  const exact = tags.map((tag) => sql`WHEN ${userLanguage} = ${tag} THEN ${tag}`);
  const samePrimary = tags.map((tag) => sql`WHEN ${primary} = ${primaryOf(tag)} THEN ${tag}`);
  return sql`CASE ${sql.join([...exact, ...samePrimary], sql` `)} END`;
}

/**
 * The text of the variant delivery `dl` got from notification `n` (both SQL aliases): the chosen translation's
 * field, or the default one. Null once retention erased the text.
 */
export function variantTextSql(field: 'title' | 'body', n = 'n', dl = 'dl'): SQL {
  const notification = sql.raw(n);
  const delivery = sql.raw(dl);
  const fallback = sql.raw(`${n}.${field}`);
  // tags are canonical BCP 47 (letters, digits and '-'), so quoting them as a JSON path label is safe
  return sql`CASE WHEN ${delivery}.language IS NULL THEN ${fallback}
    ELSE json_extract(${notification}.translations, '$."' || ${delivery}.language || '".' || ${field}) END`;
}

/** Rows of `(language, n)` as counts, the default text (null) first, then by tag. */
export function languageCounts(rows: { language: string | null; n: number }[]): LanguageCounts {
  return rows
    .filter((r) => r.n > 0)
    .map((r) => ({ language: r.language, devices: r.n }))
    .sort((a, b) => (a.language === null ? -1 : b.language === null ? 1 : a.language.localeCompare(b.language)));
}
