import type { RefusedDevice } from '../../shared/schemas';

/** Why a bulk send leaves a device out, in words, by the code a single send to it would have failed with. */
export const REFUSAL_WORDS: Record<string, string> = {
  notFound: 'not in the directory',
  forbidden: 'outside your scope',
  notEnrolled: 'not enrolled',
  unsupportedPlatform: 'cannot receive custom notifications (only iOS, iPadOS and Android can)',
  quotaExceeded: 'reached its hourly quota',
};

/** A refusal in words: the known codes in Herald's own words, anything else as the server said it. */
export const refusalWords = ({ code, message }: Pick<RefusedDevice, 'code' | 'message'>) => REFUSAL_WORDS[code] ?? message;

/** A refusal of every device of a bulk send (its error's `details`), named and in words: "iPad of Cleo: outside your scope; …". */
export function refusedList(details: unknown, names: ReadonlyMap<string, string>): string | null {
  if (!Array.isArray(details) || !details.length) return null;
  return (details as RefusedDevice[]).map((r) => `${names.get(r.deviceId) ?? r.deviceId}: ${refusalWords(r)}`).join('; ');
}
