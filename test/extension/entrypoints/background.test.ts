import { describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing';
import { MENU_ID } from '../../../extension/background/context-menu';
import background from '../../../extension/entrypoints/background';
import { settle } from '../fake-herald';
import { fakeMenus } from '../fake-menus';

describe('the background starting', () => {
  it('creates the right-click item at every start, with no install event (Firefox after a browser restart)', async () => {
    const menus = fakeMenus();
    background.main();
    await settle();
    expect([...menus.keys()]).toEqual([MENU_ID]);

    // The browser restarts: Firefox's menus are gone, and only the background's start runs again.
    menus.clear();
    fakeBrowser.reset();
    background.main();
    await settle();
    expect([...menus.keys()]).toEqual([MENU_ID]);
  });

  it('starts again where Chrome kept the item (a woken service worker, an update) without a duplicate-id error', async () => {
    const menus = fakeMenus();
    const logged = vi.spyOn(console, 'error');
    background.main();
    await settle();
    background.main();
    await fakeBrowser.runtime.onInstalled.trigger({ reason: 'update', temporary: false });
    await settle();
    expect([...menus.keys()]).toEqual([MENU_ID]);
    expect(logged).not.toHaveBeenCalledWith('Herald: right-click menu', expect.anything());
  });
});
