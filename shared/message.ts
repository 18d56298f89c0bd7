export { urgencies, urgencySchema, type Urgency } from './urgency';

// The language tag and translations are defined in ./schemas beside the send schema that uses them (defined here, they
// would make an import cycle with ./schemas); they are exported here too, beside the other message fields.
export { languageTag, MAX_TRANSLATIONS, translationSchema, translationsSchema, type Translations } from './schemas';
