import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IDS } from './directory';
import { launchFirefoxWithExtension, type FirefoxWithExtension } from './firefox';
import { startHeraldWithDirectory, type E2eHerald } from './herald-server';
import { ALL_DEVICES, ConsolePage, deviceOverview, FAKE_CONSOLE_HTML, serveFakeConsole } from './pages/console-page';
import { OptionsPage } from './pages/options-page';
import { PopupPage } from './pages/popup-page';

/** The Firefox build (.output/firefox-mv2) in Debian's Firefox ESR against a real Herald, through the Chromium test's page objects. */
let herald: E2eHerald;
let firefox: FirefoxWithExtension;

beforeAll(async () => {
  herald = await startHeraldWithDirectory();
  firefox = await launchFirefoxWithExtension();
  // Each test starts connected; the first one also goes through the options page itself.
  await firefox.setStorage({ serverUrl: herald.url, token: herald.token });
});

afterAll(async () => {
  await firefox?.close();
  await herald?.close();
});

describe('the extension in Firefox against a real Herald', () => {
  it('saves the connection in Options, and Test connection names the tenant and permissions', async () => {
    const options = await OptionsPage.open(firefox);
    expect(await options.connect(herald.url, herald.token)).toMatch(/^Saved\. The token is kept in this browser only/);
    expect(await options.testConnection()).toMatch(
      /^Connected to tenant “Default” as admin@localhost\. Permissions: .*RemoteTasks\.SendCustomNotifications/,
    );
    await options.page.close();
  });

  it('counts title and body live, then sends straight to a device and the server has it', async () => {
    const popup = await PopupPage.open(firefox);
    await popup.target('Device');
    await popup.chooseDevice('iphone', 'iPhone of Ana');
    await expect.poll(() => popup.quota.textContent()).toMatch(/^Sends left to this device this hour: 10 of 10\./);
    await popup.title.fill('T'.repeat(51));
    expect(await popup.titleCounter.textContent()).toBe('51/50');
    await expect.poll(() => popup.send.isDisabled()).toBe(true);
    await popup.title.fill('Please restart your iPhone 📱');
    await popup.body.fill('b'.repeat(500));
    expect(await popup.titleCounter.textContent()).toBe('28/50');
    expect(await popup.bodyCounter.textContent()).toBe('500/500');
    await expect.poll(() => popup.send.isEnabled()).toBe(true);

    await popup.recordCounts();
    await popup.send.click();
    await popup.sentId.waitFor();
    const id = await popup.sentId.textContent();
    await popup.page.getByTestId('sent-counts').filter({ hasText: 'Delivery settled.' }).waitFor();
    const seen = await popup.countHistory();
    expect(seen.at(-1)).toBe('queued 0, sent 1');
    const sent = await herald.api('GET', `/v1/notifications/${id}`);
    expect(sent.status).toBe(200);
    expect(sent.body).toMatchObject({
      title: 'Please restart your iPhone 📱',
      target: { type: 'device', deviceId: IDS.phone },
      counts: { sent: 1 },
    });
    await popup.page.close();
  });

  it('opens the composer for the device of an Intune link picked from the right-click menu', async () => {
    const site = await serveFakeConsole();
    const page = await firefox.newPage();
    try {
      await page.raw.goto(`${site.origin}/${ALL_DEVICES}`);
      const link = `https://intune.microsoft.com/${deviceOverview(IDS.pixel)}`;
      await page.evaluate(`void document.body.insertAdjacentHTML('afterbegin', '<a id="device-link" href="${link}">Pixel of Ben</a>')`);
      const opened = firefox.nextPage();
      // Firefox's own menu, clicked: the background's contextMenus.onClicked listener runs as for a person.
      await firefox.contextMenu(page, '#device-link', 'Send Custom Notification');
      const composer = new PopupPage(await opened);
      await composer.chosenDevice.filter({ hasText: 'Pixel of Ben' }).waitFor();
      expect(await composer.chosenDevice.textContent()).toBe('Pixel of Ben · Android · Ben Okafor (ben@contoso.example) · PX7-1234');
      expect(await composer.page.evaluate<string>('location.href')).toBe(firefox.url(`popup.html?deviceId=${IDS.pixel}`));
      await composer.page.close();
    } finally {
      await page.close();
      await site.close();
    }
  });

  it('shows its button on the Intune admin center beside the device actions, and opens the composer', async () => {
    const page = new ConsolePage(await firefox.newPage(), firefox);
    await firefox.route(page.page, 'https://intune.microsoft.com', FAKE_CONSOLE_HTML);
    await page.page.raw.goto(`https://intune.microsoft.com/${deviceOverview(IDS.ipad)}`);
    await page.sendButton.waitFor();
    expect(await page.isBesideDeviceActions()).toBe(true);
    expect(await page.shownDeviceIds()).toEqual([IDS.ipad]);

    const composer = await page.openComposer();
    await composer.chosenDevice.filter({ hasText: 'iPad of Cleo' }).waitFor();
    expect(await composer.page.evaluate<string>('location.href')).toBe(firefox.url(`popup.html?deviceId=${IDS.ipad}`));
    await composer.page.close();
    await page.page.close();
  });
});
