import { describe, expect, it, vi } from 'vitest';
import browser from 'webextension-polyfill';
import { fakeBrowser } from 'wxt/testing';
import { createMenus, handleMenuClick, MENU_ID, menuTarget } from '../../../extension/background/context-menu';
import { consoleRulesItem } from '../../../extension/utils/storage';
import { fakeMenus } from '../fake-menus';

const ID = '6f1c2b1e-8d4a-4c3e-9a57-0b1f2c3d4e5f';
const intuneUrl = `https://intune.microsoft.com/#view/Microsoft_Intune_Devices/DeviceSettingsMenuBlade/~/overview/mdmDeviceId/${ID}`;
const click = (info: Partial<Parameters<typeof handleMenuClick>[0]>) =>
  handleMenuClick({ menuItemId: MENU_ID, editable: false, ...info } as Parameters<typeof handleMenuClick>[0]);
const composerWindows = async () => (await fakeBrowser.windows.getAll()).filter((w) => w.type === 'popup');

describe('the right-click menu', () => {
  it('offers Send Custom Notification on links, selections and pages', async () => {
    const menus = fakeMenus();
    await createMenus();
    expect([...menus.values()]).toEqual([{ id: MENU_ID, title: 'Send Custom Notification', contexts: ['link', 'selection', 'page'] }]);
  });

  it('can be created again while the browser still has the item, without a duplicate id', async () => {
    const menus = fakeMenus();
    await createMenus();
    await createMenus();
    expect([...menus.keys()]).toEqual([MENU_ID]);
  });

  it('takes the device from an Intune link before the selection and the page', () => {
    expect(menuTarget({ linkUrl: intuneUrl, selectionText: 'Ana', pageUrl: 'https://intune.microsoft.com/' }, [])).toEqual({
      deviceId: ID,
    });
  });

  it('takes a selected device id as the device, and other selected text as a name to search', () => {
    expect(menuTarget({ selectionText: ` ${ID} `, pageUrl: 'https://example.com/' }, [])).toEqual({ deviceId: ID });
    expect(menuTarget({ selectionText: 'iPhone of Ana', pageUrl: intuneUrl }, [])).toEqual({ deviceSearch: 'iPhone of Ana' });
  });

  it("falls back to the page's URL, with the admin's own console rules", async () => {
    expect(menuTarget({ pageUrl: intuneUrl }, [])).toEqual({ deviceId: ID });
    const rules = [{ id: 'r', pattern: 'https://mdm.example.com/*', regex: 'device=(\\w+)' }];
    expect(menuTarget({ pageUrl: 'https://mdm.example.com/view?device=PHONE7' }, rules)).toEqual({ deviceId: 'PHONE7' });
    expect(menuTarget({ linkUrl: 'https://example.com/docs', pageUrl: 'https://example.com/' }, rules)).toBeNull();
  });

  it('opens the composer in its own window with that device chosen', async () => {
    const create = vi.spyOn(browser.windows, 'create');
    await click({ linkUrl: intuneUrl, pageUrl: 'https://intune.microsoft.com/' });
    expect(create).toHaveBeenCalledWith(
      expect.objectContaining({ type: 'popup', url: `chrome-extension://test-extension-id/popup.html?deviceId=${ID}` }),
    );
    expect(await composerWindows()).toHaveLength(1);
  });

  it('opens the composer searching for the selected name, with a custom rule read from storage', async () => {
    await consoleRulesItem.setValue([{ id: 'r', pattern: 'https://mdm.example.com/*', regex: 'device=(\\w+)' }]);
    const create = vi.spyOn(browser.windows, 'create');
    await click({ selectionText: 'iPhone of Ana', pageUrl: 'https://example.com/' });
    await click({ pageUrl: 'https://mdm.example.com/view?device=PHONE7' });
    expect(create.mock.calls.map(([data]) => data?.url)).toEqual([
      'chrome-extension://test-extension-id/popup.html?deviceSearch=iPhone+of+Ana',
      'chrome-extension://test-extension-id/popup.html?deviceId=PHONE7',
    ]);
  });

  it('ignores clicks on menu items that are not its own', async () => {
    const create = vi.spyOn(browser.windows, 'create');
    await handleMenuClick({ menuItemId: 'other', editable: false, pageUrl: intuneUrl } as Parameters<typeof handleMenuClick>[0]);
    expect(create).not.toHaveBeenCalled();
  });
});
