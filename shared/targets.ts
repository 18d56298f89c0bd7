/**
 * How many groups and devices one send may name. Kept apart from ./schemas (zod) so the admin center's content script
 * can cap a selection without bundling the schemas.
 */
export const MAX_TARGET_GROUPS = 25;
/** A bulk device send names at most this many distinct devices, as Intune's bulk actions do. */
export const MAX_TARGET_DEVICES = 100;
