import { PUSH_PAYLOAD_MAX_BYTES, utf8Bytes } from './push-payload';

/** Limits of a custom notification, in user-perceived characters (grapheme clusters). */
export const TITLE_MAX = 50;
export const BODY_MAX = 500;

/**
 * Past this many UTF-16 code units (after trimming) a text cannot fit a push: NFC turns 3 code units into no
 * fewer than 2 UTF-8 bytes (U+01D5 from U, U+0308, U+0304), so more than 6144 units make more than 4096 bytes.
 * Longer non-ASCII text is refused before it is normalised or counted: both cost more than linear time in its
 * length on this ICU (a megabyte of accents took minutes), and the server counts before it answers anyone.
 */
export const MAX_TEXT_CODE_UNITS = (PUSH_PAYLOAD_MAX_BYTES * 3) / 2;

/**
 * UAX #15's Stream-Safe Text Format allows at most 30 non-starters in a row, which no language's text needs more
 * of. A longer run of combining marks is refused before it is normalised: NFC sorts a run in time quadratic in its
 * length (6,000 marks took 16-75 ms, and a send has up to 42 fields with its translations).
 */
export const MAX_MARKS_IN_A_ROW = 30;
const LONG_MARK_RUN = new RegExp(`\\p{M}{${MAX_MARKS_IN_A_ROW + 1}}`, 'u');

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
const ASCII = /^[\x00-\x7f]*$/;

/** The form Herald stores and sends: trimmed, then Unicode NFC. */
export function normalizeText(text: string): string {
  return text.trim().normalize('NFC');
}

/** User-perceived characters of normalised text, counting no further than `stopAfter`. */
function countNormalized(normalized: string, stopAfter: number): number {
  if (ASCII.test(normalized)) return normalized.length - (normalized.match(/\r\n/g)?.length ?? 0);
  let count = 0;
  for (const _ of segmenter.segment(normalized)) if (++count >= stopAfter) break;
  return count;
}

/**
 * Counts user-perceived characters of the normalised text: an emoji or a letter with combining marks is one.
 * Unbounded: for text already checked by `checkText`, or with `stopAfter`.
 */
export function countCharacters(text: string, stopAfter = Infinity): number {
  return countNormalized(normalizeText(text), stopAfter);
}

// C0 and C1 controls and DEL; line breaks (also U+2028/U+2029) are allowed in the body only.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
const CONTROL_EXCEPT_LINE_BREAKS = /[\u0000-\u0009\u000b\u000c\u000e-\u001f\u007f-\u009f]/;
// Embeddings (U+202A/B), overrides (U+202D/E), their terminator (U+202C) and isolates (U+2066-2069) make text
// display as other text (spoofing). The marks U+200E, U+200F and U+061C only set the direction of neutral
// characters beside them, which right-to-left text needs, so they are allowed.
const BIDI_CONTROL = /[\u202a-\u202e\u2066-\u2069]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
// Something a person can see: not whitespace, a default-ignorable or format character, a combining mark on its
// own, the braille blank or a Hangul filler (the last two look like nothing but are ordinary letters to Unicode).
const VISIBLE = /[^\s\p{Default_Ignorable_Code_Point}\p{Cf}\p{M}\u2800\u115f\u1160\u3164\uffa0]/u;

export type TextField = 'title' | 'body';

export const FIELD_LIMITS: Record<TextField, number> = { title: TITLE_MAX, body: BODY_MAX };

export interface TextCheck {
  field: TextField;
  /** User-perceived characters, counted up to limit + 1 only: past the limit, `exact` says whether it is all. */
  count: number;
  exact: boolean;
  limit: number;
  /** A sentence a person can read, or null when the text is acceptable. */
  problem: string | null;
  /** The problem is that the text could never fit a push (the server answers `messageTooLarge`). */
  tooLarge: boolean;
}

/**
 * The one check of a title or body, used by the server's schema and the extension's counters. Its work is
 * bounded whatever the input: ASCII is counted in linear time, other text only up to MAX_TEXT_CODE_UNITS and
 * limit + 1 characters.
 */
export function checkText(field: TextField, text: string): TextCheck {
  const limit = FIELD_LIMITS[field];
  const trimmed = text.trim();
  const ascii = ASCII.test(trimmed);
  if (!ascii && trimmed.length > MAX_TEXT_CODE_UNITS) {
    const problem = `${field} is ${utf8Bytes(trimmed)} bytes; a push holds at most ${PUSH_PAYLOAD_MAX_BYTES} bytes.`;
    return { field, count: limit + 1, exact: false, limit, problem, tooLarge: true };
  }
  if (!ascii && LONG_MARK_RUN.test(trimmed)) {
    // counted as it is, unnormalised: segmenting stays cheap, and the counters still show a length
    const counted = countNormalized(trimmed, limit + 2);
    const problem = `${field} has more than ${MAX_MARKS_IN_A_ROW} combining marks in a row; no language needs that many on one character.`;
    return { field, count: Math.min(counted, limit + 1), exact: counted <= limit + 1, limit, problem, tooLarge: false };
  }
  const normalized = trimmed.normalize('NFC');
  // counted one past limit + 1, to tell "51" from "over 50" (ASCII is counted whole, in linear time)
  const counted = countNormalized(normalized, limit + 2);
  const exact = ascii || counted <= limit + 1;
  const count = exact ? counted : limit + 1;
  let problem: string | null = null;
  if (count === 0 || !VISIBLE.test(normalized))
    problem = `${field} is empty${count ? ' (it has no visible character)' : ''}; it needs 1 to ${limit} characters.`;
  else if (count > limit) problem = `${field} is ${exact ? '' : 'over '}${exact ? count : limit} characters; the limit is ${limit}.`;
  else if ((field === 'title' ? CONTROL : CONTROL_EXCEPT_LINE_BREAKS).test(normalized))
    problem = `${field} contains a control character${field === 'body' ? ' other than a line break' : ''}.`;
  else if (BIDI_CONTROL.test(normalized)) problem = `${field} contains a text-direction override, embedding or isolate character.`;
  else if (LONE_SURROGATE.test(normalized)) problem = `${field} contains a broken character (a lone surrogate).`;
  return { field, count, exact, limit, problem, tooLarge: false };
}
