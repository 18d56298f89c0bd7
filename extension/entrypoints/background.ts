import browser from 'webextension-polyfill';
import { defineBackground } from 'wxt/utils/define-background';
import { openComposer } from '../background/composer-window';
import { syncConsoleScripts } from '../background/console-scripts';
import { createMenus, handleMenuClick } from '../background/context-menu';
import { sendNotification } from '../background/send';
import { deviceIdFromUrl } from '../utils/device-url';
import { messageListener } from '../utils/messages';
import { consoleRulesItem } from '../utils/storage';

export default defineBackground(() => {
  const syncRules = () => consoleRulesItem.getValue().then(syncConsoleScripts).catch((e: unknown) => console.error('Herald console rules', e));
  browser.runtime.onInstalled.addListener(() => {
    createMenus();
    void syncRules();
  });
  browser.runtime.onStartup.addListener(() => void syncRules());
  consoleRulesItem.watch(() => void syncRules());
  browser.contextMenus.onClicked.addListener((info, tab) => void handleMenuClick(info, tab));
  browser.runtime.onMessage.addListener(
    messageListener({
      send: ({ input }) => sendNotification(input),
      openComposer: (target) => openComposer(target),
      deviceIdForUrl: async ({ url }) => deviceIdFromUrl(url, await consoleRulesItem.getValue()),
    }),
  );
});
