import { MatchPattern } from 'wxt/utils/match-patterns';
import type { ConsoleRule } from './storage';

const GUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

/** The Intune admin center's device blades: `.../mdmDeviceId/<guid>`, `.../managedDeviceId/<guid>`, `.../deviceId/<guid>`. */
const INTUNE_DEVICE = new RegExp(`/(?:mdm|managed)?DeviceId/(${GUID})(?![0-9a-f-])`, 'i');
const WHOLE_GUID = new RegExp(`^${GUID}$`, 'i');

function decoded(url: string): string {
  try {
    return decodeURIComponent(url);
  } catch {
    return url;
  }
}

/** Whether a URL matches a match pattern; false for a pattern that is not valid. */
export function matchesPattern(pattern: string, url: string): boolean {
  try {
    return new MatchPattern(pattern).includes(url);
  } catch {
    return false;
  }
}

/** The device a page or link is about: the admin's own console rules first, then Intune's URL shapes; null if none. */
export function deviceIdFromUrl(url: string, rules: readonly ConsoleRule[] = []): string | null {
  const text = decoded(url);
  for (const rule of rules) {
    if (!matchesPattern(rule.pattern, url)) continue;
    const id = new RegExp(rule.regex).exec(text)?.[1];
    if (id) return id;
  }
  return INTUNE_DEVICE.exec(text)?.[1] ?? null;
}

/** A selection that is itself a device id (an Intune GUID). */
export function isDeviceId(text: string): boolean {
  return WHOLE_GUID.test(text.trim());
}

/** Why a console rule cannot work, or null when it can. */
export function ruleProblem(pattern: string, regex: string): string | null {
  try {
    new MatchPattern(pattern);
  } catch (error) {
    return error instanceof Error ? error.message : 'The URL match pattern is not valid.';
  }
  if (!/^https?:/.test(pattern) && !pattern.startsWith('*:')) return 'The URL match pattern must be for http or https pages.';
  let groups: number;
  try {
    groups = (new RegExp(`${regex}|`).exec('')?.length ?? 1) - 1;
  } catch {
    return 'The regular expression is not valid.';
  }
  return groups < 1 ? 'The regular expression needs a capture group (…) around the device id.' : null;
}

/** The Intune admin center's overview of a device, for a device id that is an Intune GUID; null for any other id. */
export const intuneDeviceUrl = (id: string): string | null =>
  isDeviceId(id)
    ? `https://intune.microsoft.com/#view/Microsoft_Intune_Devices/DeviceSettingsMenuBlade/~/overview/mdmDeviceId/${id.trim()}`
    : null;
