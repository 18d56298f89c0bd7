import browser from 'webextension-polyfill';
import type { ConsoleRule } from '../utils/storage';

const PREFIX = 'herald-rule-';
/** The built content script that also serves the admin center; it asks the background which device a page is about. */
export const CONSOLE_SCRIPT = 'content-scripts/console.js';

/** Registers the console content script for each rule whose host permission was granted, replacing earlier ones. */
export async function syncConsoleScripts(rules: readonly ConsoleRule[]): Promise<string[]> {
  const registered = await browser.scripting.getRegisteredContentScripts();
  const ours = registered.map((s) => s.id).filter((id) => id.startsWith(PREFIX));
  if (ours.length) await browser.scripting.unregisterContentScripts({ ids: ours });
  const granted: ConsoleRule[] = [];
  for (const rule of rules) if (await browser.permissions.contains({ origins: [rule.pattern] })) granted.push(rule);
  if (granted.length)
    await browser.scripting.registerContentScripts(
      granted.map((rule) => ({ id: PREFIX + rule.id, matches: [rule.pattern], js: [CONSOLE_SCRIPT], runAt: 'document_idle' as const })),
    );
  return granted.map((rule) => PREFIX + rule.id);
}
