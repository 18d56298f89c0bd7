import { vi } from 'vitest';
import browser from 'webextension-polyfill';

/**
 * The browser's context menu items (WXT's fake browser has none): like Chrome's, they outlive a restart of the
 * background until removed, and creating a second item with an id already in use fails.
 */
export function fakeMenus() {
  const items = new Map<string | number, Parameters<typeof browser.contextMenus.create>[0]>();
  vi.spyOn(browser.contextMenus, 'removeAll').mockImplementation(async () => items.clear());
  vi.spyOn(browser.contextMenus, 'create').mockImplementation((properties) => {
    const id = properties.id ?? items.size;
    if (items.has(id)) throw new Error(`Cannot create item with duplicate id ${id}`);
    items.set(id, properties);
    return id;
  });
  vi.spyOn(browser.contextMenus.onClicked, 'addListener').mockImplementation(() => undefined);
  return items;
}
