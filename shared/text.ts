/** Limits of a custom notification, in user-perceived characters (grapheme clusters). */
export const TITLE_MAX = 50;
export const BODY_MAX = 500;

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** The form Herald stores and sends: trimmed, then Unicode NFC. */
export function normalizeText(text: string): string {
  return text.trim().normalize('NFC');
}

/** Counts user-perceived characters of the normalised text: an emoji or a letter with combining marks is one. */
export function countCharacters(text: string): number {
  const normalized = normalizeText(text);
  if (/^[\x00-\x7f]*$/.test(normalized)) return normalized.length - (normalized.match(/\r\n/g)?.length ?? 0);
  let count = 0;
  for (const _ of segmenter.segment(normalized)) count++;
  return count;
}

// C0 and C1 controls and DEL; line breaks (also U+2028/U+2029) are allowed in the body only.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
const CONTROL_EXCEPT_LINE_BREAKS = /[\u0000-\u0009\u000b\u000c\u000e-\u001f\u007f-\u009f]/;
// Left-to-right and right-to-left overrides make text display as other text (spoofing).
const DIRECTION_OVERRIDE = /[\u202d\u202e]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export type TextField = 'title' | 'body';

export const FIELD_LIMITS: Record<TextField, number> = { title: TITLE_MAX, body: BODY_MAX };

export interface TextCheck {
  field: TextField;
  count: number;
  limit: number;
  /** A sentence a person can read, or null when the text is acceptable. */
  problem: string | null;
}

/** The one check of a title or body, used by the server's schema and the extension's counters. */
export function checkText(field: TextField, text: string): TextCheck {
  const limit = FIELD_LIMITS[field];
  const count = countCharacters(text);
  const normalized = normalizeText(text);
  let problem: string | null = null;
  if (count === 0) problem = `${field} is empty; it needs 1 to ${limit} characters.`;
  else if (count > limit) problem = `${field} is ${count} characters; the limit is ${limit}.`;
  else if ((field === 'title' ? CONTROL : CONTROL_EXCEPT_LINE_BREAKS).test(normalized))
    problem = `${field} contains a control character${field === 'body' ? ' other than a line break' : ''}.`;
  else if (DIRECTION_OVERRIDE.test(normalized)) problem = `${field} contains a text-direction override character.`;
  else if (LONE_SURROGATE.test(normalized)) problem = `${field} contains a broken character (a lone surrogate).`;
  return { field, count, limit, problem };
}
