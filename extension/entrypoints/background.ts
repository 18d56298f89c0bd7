import browser from 'webextension-polyfill';
import { defineBackground } from 'wxt/utils/define-background';
import { syncConsoleScripts } from '../background/console-scripts';
import { createMenus, handleMenuClick } from '../background/context-menu';
import { handlers } from '../background/handlers';
import { restrictStorageToExtensionPages } from '../background/storage-access';
import { messageListener } from '../utils/messages';
import { consoleRulesItem } from '../utils/storage';

export default defineBackground(() => {
  const report = (what: string) => (error: unknown) => console.error(`Herald: ${what}`, error);
  const syncRules = () => consoleRulesItem.getValue().then(syncConsoleScripts).catch(report('console rules'));
  void restrictStorageToExtensionPages().catch(report('storage access'));
  browser.runtime.onInstalled.addListener(() => {
    createMenus();
    void syncRules();
  });
  browser.runtime.onStartup.addListener(() => void syncRules());
  consoleRulesItem.watch(() => void syncRules());
  browser.contextMenus.onClicked.addListener((info, tab) => void handleMenuClick(info, tab).catch(report('right-click')));
  browser.runtime.onMessage.addListener(messageListener(handlers));
});
