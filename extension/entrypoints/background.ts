import browser from 'webextension-polyfill';
import { defineBackground } from 'wxt/utils/define-background';
import { syncConsoleScripts } from '../background/console-scripts';
import { createMenus, handleMenuClick } from '../background/context-menu';
import { handlers } from '../background/handlers';
import { restrictStorageToExtensionPages } from '../background/storage-access';
import { logFailure } from '../utils/log-failure';
import { messageListener } from '../utils/messages';
import { consoleRulesItem } from '../utils/storage';

export default defineBackground(() => {
  const syncRules = () => consoleRulesItem.getValue().then(syncConsoleScripts).catch(logFailure('console rules'));
  void restrictStorageToExtensionPages().catch(logFailure('storage access'));
  // Every start, not only on install: Firefox's persistent background loses its menus when the browser restarts.
  void createMenus().catch(logFailure('right-click menu'));
  browser.runtime.onInstalled.addListener(() => void syncRules());
  browser.runtime.onStartup.addListener(() => void syncRules());
  consoleRulesItem.watch(() => void syncRules());
  browser.contextMenus.onClicked.addListener((info, tab) => void handleMenuClick(info, tab).catch(logFailure('right-click')));
  browser.runtime.onMessage.addListener(messageListener(handlers));
});
