/**
 * What a send may be, as plain values and functions, kept apart from ./schemas (zod) so the extension's popup paints
 * without loading zod: the platforms it reaches, its urgencies, how many languages it carries and how far ahead it is
 * scheduled. ./schemas and ./urgency build the API's schemas from these and export them again.
 */

/** `other`: an Intune operating system Herald cannot push to (Linux, ChromeOS...), skipped as unsupportedPlatform. */
export const platforms = ['ios', 'ipados', 'android', 'macos', 'windows', 'other'] as const;
export type Platform = (typeof platforms)[number];
/** Platforms a custom notification cannot reach. */
export const unsupportedPlatforms: readonly Platform[] = ['macos', 'windows', 'other'];

/** How insistently a device shows a message; the same quota applies to each. */
export const urgencies = ['low', 'normal', 'high'] as const;
export type Urgency = (typeof urgencies)[number];

/** How many languages a message may carry besides its default text. */
export const MAX_TRANSLATIONS = 20;

/** How far ahead a send may be scheduled. */
export const MAX_SCHEDULE_DAYS = 30;

/** Why a well-formed `sendAt` cannot be scheduled at `now` (epoch ms), or null when it can. */
export function sendAtProblem(sendAt: string, now: number): string | null {
  const at = Date.parse(sendAt);
  if (!(at > now)) return `must be in the future; ${sendAt} has passed.`;
  if (at > now + MAX_SCHEDULE_DAYS * 86_400_000) return `must be at most ${MAX_SCHEDULE_DAYS} days ahead; ${sendAt} is later.`;
  return null;
}
