import { z } from 'zod';
import { bodySchema, titleSchema } from './schemas';

export { urgencies, urgencySchema, type Urgency } from './urgency';

export const MAX_TRANSLATIONS = 20;

/** A BCP 47 language tag in its canonical form (`fr-fr` becomes `fr-FR`); anything Intl cannot read is refused. */
export const languageTag = z
  .string()
  .min(2)
  .max(35)
  .transform((tag, ctx) => {
    try {
      const [canonical] = Intl.getCanonicalLocales(tag);
      if (canonical) return canonical;
    } catch {
      /* refused below */
    }
    ctx.addIssue({ code: 'custom', message: `'${tag}' is not a BCP 47 language tag (e.g. fr-FR).` });
    return z.NEVER;
  });

/** A message in one more language; each is held to the same limits as the default text. */
export const translationSchema = z.object({ title: titleSchema, body: bodySchema }).strict();

/** `{ "<BCP 47 tag>": { title, body } }`: up to 20 languages, errors naming the language (`translations.fr-FR.title`). */
export const translationsSchema = z
  .record(z.string(), translationSchema)
  .superRefine((translations, ctx) => {
    const tags = Object.keys(translations);
    if (tags.length > MAX_TRANSLATIONS)
      ctx.addIssue({ code: 'custom', message: `has ${tags.length} languages; the limit is ${MAX_TRANSLATIONS}.` });
    const seen = new Map<string, string>();
    for (const tag of tags) {
      const parsed = languageTag.safeParse(tag);
      if (!parsed.success) {
        ctx.addIssue({ code: 'custom', path: [tag], message: parsed.error.issues[0]!.message });
        continue;
      }
      const twin = seen.get(parsed.data);
      if (twin !== undefined) ctx.addIssue({ code: 'custom', path: [tag], message: `names the same language as '${twin}'.` });
      seen.set(parsed.data, tag);
    }
  })
  .transform((translations) =>
    Object.fromEntries(Object.entries(translations).map(([tag, text]) => [Intl.getCanonicalLocales(tag)[0]!, text])),
  );

export type Translations = z.output<typeof translationsSchema>;
