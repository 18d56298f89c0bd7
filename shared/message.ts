import { z } from 'zod';

/** How insistently a device shows a message; the same quota applies to each. */
export const urgencies = ['low', 'normal', 'high'] as const;
export type Urgency = (typeof urgencies)[number];
export const urgencySchema = z.enum(urgencies);

// The language tag and translations are defined in ./schemas beside the send schema that uses them (defined here, they
// would make an import cycle with ./schemas); they are exported here too, beside the other message fields.
export { languageTag, MAX_TRANSLATIONS, translationSchema, translationsSchema, type Translations } from './schemas';
