import { describe, expect, it, vi } from 'vitest';
import browser from 'webextension-polyfill';
import { restrictStorageToExtensionPages } from '../../../extension/background/storage-access';

describe('storage access', () => {
  it('keeps local storage, and so the token, to trusted extension contexts where the browser supports it', async () => {
    const setAccessLevel = vi.fn(async () => undefined);
    Object.assign(browser.storage.local, { setAccessLevel });
    await restrictStorageToExtensionPages();
    expect(setAccessLevel).toHaveBeenCalledWith({ accessLevel: 'TRUSTED_CONTEXTS' });
    Reflect.deleteProperty(browser.storage.local, 'setAccessLevel');
  });

  it('does nothing where the browser has no access levels (Firefox)', async () => {
    await expect(restrictStorageToExtensionPages()).resolves.toBeUndefined();
  });
});
