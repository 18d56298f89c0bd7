import browser, { type Runtime } from 'webextension-polyfill';
import { deviceIdFromUrl } from '../utils/device-url';
import type { Handlers } from '../utils/messages';
import { consoleRulesItem } from '../utils/storage';
import { openComposer } from './composer-window';
import { sendNotification } from './send';

/** Sending is for the extension's own pages: a content script, which runs inside other sites, may only open the composer. */
function requireExtensionPage(sender: Runtime.MessageSender): void {
  if (!sender.url?.startsWith(browser.runtime.getURL('/'))) throw new Error('Only the extension’s own pages may send notifications.');
}

/** The background's answer to each message of the protocol. */
export const handlers: Handlers = {
  send: ({ input }, sender) => {
    requireExtensionPage(sender);
    return sendNotification(input);
  },
  openComposer: (target) => openComposer(target),
  deviceIdForUrl: async ({ url }) => deviceIdFromUrl(url, await consoleRulesItem.getValue()),
};
