import browser, { type Menus, type Tabs } from 'webextension-polyfill';
import { deviceIdFromUrl, isDeviceId } from '../utils/device-url';
import type { ComposerTarget } from '../utils/messages';
import { consoleRulesItem } from '../utils/storage';
import { openComposer } from './composer-window';

export const MENU_ID = 'herald-send-custom-notification';

/**
 * (Re)creates the menu; run at every start of the background. Firefox's persistent MV2 background keeps no menus across a
 * browser restart (and gets no runtime.onInstalled then), while Chrome keeps them: removing first spares it a duplicate id.
 */
export async function createMenus(): Promise<void> {
  await browser.contextMenus.removeAll();
  browser.contextMenus.create({ id: MENU_ID, title: 'Send Custom Notification', contexts: ['link', 'selection', 'page'] });
}

/** The device a right-click is about: a device URL in the link, a selected id, a selected name, or the page's URL. */
export function menuTarget(
  info: Pick<Menus.OnClickData, 'linkUrl' | 'selectionText' | 'pageUrl'>,
  rules: Parameters<typeof deviceIdFromUrl>[1],
): ComposerTarget | null {
  const fromLink = info.linkUrl ? deviceIdFromUrl(info.linkUrl, rules) : null;
  if (fromLink) return { deviceId: fromLink };
  const selection = info.selectionText?.trim();
  if (selection) return isDeviceId(selection) ? { deviceId: selection } : { deviceSearch: selection.slice(0, 128) };
  const fromPage = info.pageUrl ? deviceIdFromUrl(info.pageUrl, rules) : null;
  return fromPage ? { deviceId: fromPage } : null;
}

/** contextMenus.onClicked: opens the composer for the device found, or an empty device search. */
export async function handleMenuClick(info: Menus.OnClickData, _tab?: Tabs.Tab): Promise<void> {
  if (info.menuItemId !== MENU_ID) return;
  const target = menuTarget(info, await consoleRulesItem.getValue());
  await openComposer(target ?? { deviceSearch: '' });
}
