import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSyncedHerald, type SyncedHerald } from '../helpers/graph';
import { ARTIFACTS, launchWithExtension, useConnection, type ExtensionBrowser } from './browser';
import { ConsolePage, deviceOverview, routeFakeConsole } from './pages/console-page';
import { OptionsPage } from './pages/options-page';

/** Herald whose tenant is connected to a stand-in for Entra ID and Graph, with the extension in Chromium. */
let s: SyncedHerald;
let browser: ExtensionBrowser;
// an Intune managed device id, as the admin center's URLs carry it
const MANAGED_DEVICE_ID = '3c2b7f0e-91d4-4a6b-8f35-0d1e2a7c9b41';

beforeAll(async () => {
  s = await startSyncedHerald();
  s.fake.addUser({ id: 'f0a1c2d3-0000-4000-8000-00000000aaaa', userPrincipalName: 'nora@contoso.example', displayName: 'Nora Quist' });
  s.fake.addGroup('e5d4c3b2-0000-4000-8000-00000000bbbb', 'Leeds office', [{ type: 'user', id: 'f0a1c2d3-0000-4000-8000-00000000aaaa' }]);
  s.fake.setDevice({
    id: MANAGED_DEVICE_ID,
    deviceName: 'Nora iPhone',
    operatingSystem: 'iOS',
    userId: 'f0a1c2d3-0000-4000-8000-00000000aaaa',
    managementState: 'managed',
    serialNumber: 'F2NORA',
  });
  await s.connect();
  browser = await launchWithExtension();
  await useConnection(browser, s.herald.url, s.herald.admin.token);
});

afterAll(async () => {
  await browser?.close();
  await s?.close();
});

describe('a tenant synced from Microsoft Entra ID, with the extension in Chromium', () => {
  it('Options shows the directory source, and Sync now brings the tenant in', async () => {
    const options = await OptionsPage.open(browser);
    const source = options.page.getByTestId('directory-source');
    await expect.poll(() => source.textContent()).toBe('Connected to Microsoft Entra ID, not synced yet: 0 users, 0 groups, 0 devices.');
    await options.page.getByRole('button', { name: 'Sync now' }).click();
    await expect
      .poll(() => source.textContent(), { timeout: 20_000 })
      .toBe('Synced from Microsoft Entra ID just now: 1 user, 1 group, 1 device.');
    await options.page.screenshot({ path: join(ARTIFACTS, 'extension-options-directory.png') });
    await options.page.close();
  });

  it("opens the composer from the admin center's page of a synced device, by Intune's managed device id", async () => {
    const intune = await routeFakeConsole(browser.context, 'https://intune.microsoft.com');
    const adminCenter = new ConsolePage(await browser.context.newPage(), browser);
    try {
      await adminCenter.page.goto(`https://intune.microsoft.com/${deviceOverview(MANAGED_DEVICE_ID)}`);
      await adminCenter.sendButton.waitFor();
      const composer = await adminCenter.openComposer();
      await composer.chosenDevice.filter({ hasText: 'Nora iPhone' }).waitFor();
      expect(await composer.chosenDevice.textContent()).toContain('Nora Quist');
      await composer.page.close();
    } finally {
      await adminCenter.page.close();
      await intune.close();
    }
  });
});
