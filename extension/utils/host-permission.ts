import browser from 'webextension-polyfill';
import { isLocalServer, LOCAL_SERVER_ORIGINS, originPattern } from './connection-check';
import { matchesPattern } from './device-url';
import { serverUrlItem, type ConsoleRule } from './storage';

const PARTS = /^([^:]+):\/\/([^/]*)/;

/** A host permission ignores the path of its pattern: the same scheme and host, any path. */
const anyPath = (pattern: string) => pattern.replace(new RegExp(`${PARTS.source}.*$`), '$1://$2/*');

/** One page of a pattern's hosts (a wildcard scheme or host stands for an example), to test what else covers it. */
function examplePage(pattern: string): string {
  const [, scheme = '', host = ''] = PARTS.exec(pattern) ?? [];
  return `${scheme === '*' ? 'https' : scheme}://${host === '*' ? 'any.example' : host.replace(/^\*\./, '')}/`;
}

/** Whether a pattern's permission covers the hosts of another one. */
const covers = (pattern: string, other: string) => matchesPattern(anyPath(pattern), examplePage(other));

/**
 * Whether the host permission of a console rule being removed is still needed: the manifest's own permissions cover it
 * (nothing was granted for it, and they cannot be given back), or it covers another rule's hosts or the Herald server's
 * (the browser grants no narrower permission once a broader one covers it, so giving the broader one back takes both).
 */
export async function originStillNeeded(pattern: string, otherRules: readonly ConsoleRule[]): Promise<boolean> {
  if (LOCAL_SERVER_ORIGINS.some((origin) => covers(origin, pattern))) return true;
  const server = await serverUrlItem.getValue();
  const others = [...otherRules.map((rule) => rule.pattern), ...(isLocalServer(server) ? [] : [originPattern(server)])];
  return others.some((other) => covers(pattern, other));
}

/** Whether Herald may reach `serverUrl`: on this machine always; elsewhere once the user grants it (asked now, within the click). */
export async function askToReach(serverUrl: string): Promise<boolean> {
  return isLocalServer(serverUrl) || browser.permissions.request({ origins: [originPattern(serverUrl)] });
}
