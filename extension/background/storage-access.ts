import browser from 'webextension-polyfill';

interface AccessLevelArea {
  setAccessLevel?: (options: { accessLevel: 'TRUSTED_CONTEXTS' | 'TRUSTED_AND_UNTRUSTED_CONTEXTS' }) => Promise<void>;
}

/**
 * Keeps storage.local (and so the API token) away from content scripts, which run inside other sites' pages: they
 * ask the background instead. Chromium only; Firefox has no such setting.
 */
export async function restrictStorageToExtensionPages(): Promise<void> {
  await (browser.storage.local as AccessLevelArea).setAccessLevel?.({ accessLevel: 'TRUSTED_CONTEXTS' });
}
