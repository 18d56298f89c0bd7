import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Api } from '../helpers/herald';
import { ARTIFACTS, launchWithExtension, useConnection, type ExtensionBrowser, type WorkerGlobal } from './browser';
import { IDS } from './directory';
import { startHeraldWithDirectory, type E2eHerald } from './herald-server';
import { ipv6Loopback } from './ipv6-loopback';
import { ALL_DEVICES, ConsolePage, deviceOverview, routeFakeConsole, serveFakeConsole } from './pages/console-page';
import { OptionsPage } from './pages/options-page';
import { PopupPage } from './pages/popup-page';

let herald: E2eHerald;
let token: string;
let api: Api;
let browser: ExtensionBrowser;

beforeAll(async () => {
  herald = await startHeraldWithDirectory();
  ({ token, api } = herald);
  browser = await launchWithExtension();
  // Each test starts connected; the first one also goes through the options page itself.
  await useConnection(browser, herald.url, token);
});

/** The match patterns of the content scripts the background registered for custom console rules. */
const registeredScripts = () =>
  browser.serviceWorker.evaluate(async () =>
    (await (self as unknown as WorkerGlobal).chrome.scripting.getRegisteredContentScripts()).map((s) => s.matches),
  );

afterAll(async () => {
  await browser?.close();
  await herald?.close();
});

describe('the extension in Chromium against a real Herald', () => {
  it('saves the connection in Options, and Test connection names the tenant and permissions', async () => {
    const options = await OptionsPage.open(browser);
    expect(await options.connect(herald.url, token)).toMatch(/^Saved\. The token is kept in this browser only/);
    const result = await options.testConnection();
    expect(result).toMatch(/^Connected to tenant “Default” as admin@localhost\. Permissions: .*RemoteTasks\.SendCustomNotifications/);
    await options.page.close();
  });

  it('reaches Herald on the IPv6 loopback without asking for a permission, as on 127.0.0.1', async () => {
    const loopback = await ipv6Loopback(herald.url);
    const options = await OptionsPage.open(browser);
    try {
      await expect.poll(() => options.page.getByLabel('Server URL').inputValue()).toBe(herald.url); // the saved settings have loaded
      await options.page.getByLabel('Server URL').fill(loopback.url);
      expect(await options.testConnection()).toMatch(/^Connected to tenant “Default” as admin@localhost\./);
    } finally {
      await options.page.close();
      await loopback.close();
    }
  });

  it('counts title and body across 50 and 500, then sends straight to a device and shows counts moving', async () => {
    const popup = await PopupPage.open(browser);
    await popup.target('Device');
    expect((await popup.deviceOptions('of ana', 2)).sort()).toEqual([
      'MacBook of Ana · macOS · Ana Lima (ana@contoso.example) · C02ZK1 · cannot receive',
      'iPhone of Ana · iOS · Ana Lima (ana@contoso.example) · F2LXK0ABC',
    ]);
    await popup.chooseDevice('iphone', 'iPhone of Ana');
    await expect.poll(() => popup.quota.textContent()).toMatch(/^Sends left to this device this hour: 10 of 10\./);

    await popup.title.fill('T'.repeat(51));
    await popup.body.fill('b'.repeat(501));
    expect(await popup.titleCounter.textContent()).toBe('51/50');
    expect(await popup.bodyCounter.textContent()).toBe('501/500');
    expect(await popup.title.getAttribute('aria-invalid')).toBe('true');
    await expect.poll(() => popup.send.isDisabled()).toBe(true);

    for (const field of [popup.title, popup.body]) {
      await field.press('End');
      await field.press('Backspace');
    }
    expect(await popup.titleCounter.textContent()).toBe('50/50');
    expect(await popup.bodyCounter.textContent()).toBe('500/500');
    await popup.title.fill('Please restart your iPhone 📱');
    expect(await popup.titleCounter.textContent()).toBe('28/50');
    await expect.poll(() => popup.send.isEnabled()).toBe(true);
    await popup.page.screenshot({ path: join(ARTIFACTS, 'extension-popup.png') });

    await popup.recordCounts();
    await popup.send.press('Enter');
    await popup.sentId.waitFor();
    const id = (await popup.sentId.textContent())!;
    await popup.page.getByText('Delivery settled.').waitFor();
    const seen = await popup.countHistory();
    expect([seen[0], seen.at(-1)]).toEqual(['queued 1, sent 0', 'queued 0, sent 1']);
    await popup.page.screenshot({ path: join(ARTIFACTS, 'extension-popup-sent.png') });

    const shown = await browser.serviceWorker.evaluate(() => (self as unknown as WorkerGlobal).chrome.notifications.getAll());
    expect(Object.keys(shown)).toContain(`herald-${id}`);
    await popup.page.close();
  });

  it('sends to groups through Review, with the live reach, and the counts move', async () => {
    const popup = await PopupPage.open(browser);
    await popup.target('Groups');
    await popup.title.fill('Office closed');
    await popup.body.fill('The building is closed today. Work from home.');
    await popup.chooseGroup('sal', 'Sales');
    await popup.chooseGroup('field', 'Field staff');
    expect(await popup.page.locator('.chips-head .counter').textContent()).toBe('2/25');
    await expect.poll(() => popup.reach.textContent()).toBe('Reaches 3 users on 3 devices. Skipped: 1 macOS or Windows.');
    await expect.poll(() => popup.quota.textContent()).toMatch(/^Group sends left this hour: 25 of 25\./);
    expect(await popup.send.count()).toBe(0);

    await popup.review.click();
    await popup.page.getByRole('heading', { name: 'Review' }).waitFor();
    expect(await popup.page.getByTestId('review-title').textContent()).toBe('Office closed');
    await expect.poll(() => popup.reach.textContent()).toMatch(/^Reaches 3 users on 3 devices/);
    await popup.recordCounts();
    await popup.send.click();
    await popup.sentId.waitFor();
    await popup.page.getByText('Delivery settled.').waitFor();
    const seen = await popup.countHistory();
    expect([seen[0], seen.at(-1)]).toEqual(['queued 3, sent 0', 'queued 0, sent 3']);

    await popup.page.getByRole('button', { name: 'History' }).click();
    const newest = popup.page.getByTestId('history-item').first();
    await expect.poll(() => newest.locator('h3').textContent()).toBe('Office closed');
    expect(await newest.locator('[data-stage="sent"] .stage-count').textContent()).toBe('3');
    await popup.page.close();
  });

  it('says in the sent view and in history why a delivery failed and one was skipped, and names those devices', async () => {
    const night = {
      group: 'c3d4e5f6-a7b8-4c9d-8e0f-1a2b3c4d5e6f',
      bad: '4b5c6d7e-8f90-4a1b-9c2d-3e4f5a6b7c8d',
      quiet: '5c6d7e8f-9a0b-4c1d-8e2f-3a4b5c6d7e8f',
    };
    const dan = (id: string, name: string, over: object) => ({
      id,
      name,
      platform: 'ios',
      enrolledByUserId: 'u-dan',
      managementState: 'enrolled',
      app: 'companyPortal',
      appVersion: '5.0.6000.0',
      ...over,
    });
    const imported = await api('POST', '/v1/directory/import', {
      users: [{ id: 'u-dan', upn: 'dan@contoso.example', displayName: 'Dan Vu' }],
      devices: [
        dan(night.bad, 'Work iPhone of Dan', { push: { service: 'apns', token: 'not-a-token' } }),
        dan(night.quiet, 'iPad of Dan', { push: { service: 'apns', token: 'c'.repeat(64) }, notificationsPermitted: false }),
      ],
      groups: [{ id: night.group, displayName: 'Night shift', members: [{ type: 'user', id: 'u-dan' }] }],
    });
    expect(imported.status).toBe(200);

    const popup = await PopupPage.open(browser);
    await popup.target('Groups');
    await popup.title.fill('Night shift briefing');
    await popup.body.fill('The briefing moves to 22:00.');
    const kept = popup.page.getByRole('button', { name: /^Remove group / }); // the draft keeps the last send's groups
    while (await kept.count()) await kept.first().click();
    await popup.chooseGroup('night', 'Night shift');
    await expect.poll(() => popup.reach.textContent()).toBe('Reaches 1 user on 1 device. Skipped: 1 notifications turned off.');
    await popup.review.click();
    await popup.page.getByRole('heading', { name: 'Review' }).waitFor();
    await popup.send.click();
    await popup.page.getByText('Delivery settled.').waitFor();
    const words = [
      '1 failed: the device token is malformed, so no push service would take it',
      '1 skipped: notifications turned off on the device',
    ];
    await expect.poll(() => popup.page.getByTestId('delivery-reasons').locator('li').allTextContents()).toEqual(words);

    await popup.page.getByRole('button', { name: 'Show these devices' }).click();
    await expect
      .poll(() => popup.page.locator('.reason-devices li').allTextContents())
      .toEqual([
        'Work iPhone of Dan — failed: the device token is malformed, so no push service would take it',
        'iPad of Dan — skipped: notifications turned off on the device',
      ]);
    expect(await popup.page.getByRole('link', { name: 'Work iPhone of Dan' }).getAttribute('href')).toMatch(
      new RegExp(`/mdmDeviceId/${night.bad}$`),
    );
    await popup.page.screenshot({ path: join(ARTIFACTS, 'extension-popup-reasons.png') });

    await popup.page.getByRole('button', { name: 'History' }).click();
    const newest = popup.page.getByTestId('history-item').first();
    await expect.poll(() => newest.locator('h3').textContent()).toBe('Night shift briefing');
    expect(await newest.getByTestId('delivery-reasons').locator('li').allTextContents()).toEqual(words);
    await popup.page.close();
  });

  it('opens the composer for the device of an Intune link clicked with the right-click menu', async () => {
    const opened = browser.nextPage();
    await browser.serviceWorker.evaluate(
      ({ link }) =>
        (self as unknown as WorkerGlobal).chrome.contextMenus.onClicked.dispatch({
          menuItemId: 'herald-send-custom-notification',
          linkUrl: link,
          pageUrl: 'https://intune.microsoft.com/',
          editable: false,
        }),
      { link: `https://intune.microsoft.com/#view/Microsoft_Intune_Devices/DeviceSettingsMenuBlade/~/overview/mdmDeviceId/${IDS.pixel}` },
    );
    const composer = new PopupPage(await opened);
    expect(composer.page.url()).toMatch(new RegExp(`/popup\\.html\\?deviceId=${IDS.pixel}$`));
    await composer.chosenDevice.filter({ hasText: 'Pixel of Ben' }).waitFor();
    expect(await composer.chosenDevice.textContent()).toBe('Pixel of Ben · Android · Ben Okafor (ben@contoso.example) · PX7-1234');
    expect(await composer.page.getByRole('radio', { name: 'Device', exact: true }).isChecked()).toBe(true);
    await composer.page.close();
  });

  it('adds its button beside the device actions of a console page after single-page navigation, and opens the composer', async () => {
    const fakeConsole = await serveFakeConsole();
    try {
      const options = await OptionsPage.open(browser);
      expect(await options.addConsoleRule('http://127.0.0.1/*', 'mdmDeviceId/([0-9a-f-]{36})')).toBe(
        'Added: the Send Custom Notification button now shows on http://127.0.0.1/*.',
      );
      await expect.poll(registeredScripts).toEqual([['http://127.0.0.1/*']]);

      const adminCenter = new ConsolePage(await browser.context.newPage(), browser);
      await adminCenter.page.goto(`${fakeConsole.origin}/${ALL_DEVICES}`);
      await adminCenter.page.getByRole('heading', { name: 'All devices' }).waitFor();
      await adminCenter.showDevice(IDS.ipad);
      await adminCenter.sendButton.waitFor();
      expect(await adminCenter.isBesideDeviceActions()).toBe(true);
      expect(await adminCenter.sendButton.evaluate((b) => getComputedStyle(b).fontSize)).toBe('14px');
      await adminCenter.page.locator('.ms-CommandBar').screenshot({ path: join(ARTIFACTS, 'extension-console-button.png') });

      const composer = await adminCenter.openComposer();
      await composer.chosenDevice.filter({ hasText: 'iPad of Cleo' }).waitFor();
      expect(composer.page.url()).toMatch(new RegExp(`deviceId=${IDS.ipad}$`));
      await composer.page.close();
      await adminCenter.page.close();

      // Removing the rule unregisters its content script (its host permission is the manifest's own, so it stays).
      expect(await options.removeConsoleRule('http://127.0.0.1/*')).toBe('Removed the rule for http://127.0.0.1/*.');
      await expect.poll(registeredScripts).toEqual([]);
      await options.page.close();
    } finally {
      await fakeConsole.close();
    }
  });

  it('shows its built-in button on the Intune admin center itself, follows the device across blades, and opens the composer', async () => {
    // The real host, answered inside the browser: the content script runs by its manifest match, not by a custom rule.
    const intune = await routeFakeConsole(browser.context, 'https://intune.microsoft.com');
    const adminCenter = new ConsolePage(await browser.context.newPage(), browser);
    try {
      await adminCenter.page.goto(`https://intune.microsoft.com/${deviceOverview(IDS.phone)}`);
      await adminCenter.sendButton.waitFor();
      expect(await adminCenter.isBesideDeviceActions()).toBe(true);
      expect(await adminCenter.shownDeviceIds()).toEqual([IDS.phone]);

      await adminCenter.showAllDevices();
      await expect.poll(() => adminCenter.injected.count()).toBe(0);

      await adminCenter.showDevice(IDS.ipad);
      await adminCenter.sendButton.waitFor();
      expect(await adminCenter.shownDeviceIds()).toEqual([IDS.ipad]);
      // From that device to two others in quick succession: the button swaps to the last one only.
      await adminCenter.showDevice(IDS.phone);
      await adminCenter.showDevice(IDS.pixel);
      await adminCenter.page.getByText(`Device id ${IDS.pixel}`).waitFor();
      await expect.poll(() => adminCenter.shownDeviceIds()).toEqual([IDS.pixel]);

      const composer = await adminCenter.openComposer();
      await composer.chosenDevice.filter({ hasText: 'Pixel of Ben' }).waitFor();
      expect(composer.page.url()).toMatch(new RegExp(`deviceId=${IDS.pixel}$`));
      await composer.page.close();
    } finally {
      await adminCenter.page.close();
      await intune.close();
    }
  });

  it('finishes a send after the popup closes, keeps drafts, and explains a spent quota with when it frees', async () => {
    const before = Object.keys(await browser.serviceWorker.evaluate(() => (self as unknown as WorkerGlobal).chrome.notifications.getAll()));
    let popup = await PopupPage.open(browser);
    await popup.target('Device');
    await popup.chooseDevice('pixel', 'Pixel of Ben');
    await popup.title.fill('Update the Company Portal');
    await popup.body.fill('A new version is waiting in the Play Store.');
    await expect.poll(() => popup.send.isEnabled()).toBe(true);
    await popup.send.click();
    await popup.page.close();
    await expect
      .poll(async () =>
        Object.keys(await browser.serviceWorker.evaluate(() => (self as unknown as WorkerGlobal).chrome.notifications.getAll())).filter(
          (k) => !before.includes(k),
        ),
      )
      .toHaveLength(1);
    const newest = (await api('GET', '/v1/notifications')).body.items[0];
    expect(newest.target).toEqual({ type: 'device', deviceId: IDS.pixel });

    popup = await PopupPage.open(browser);
    expect(await popup.title.inputValue()).toBe('');
    await popup.chosenDevice.filter({ hasText: 'Pixel of Ben' }).waitFor();
    await popup.title.fill('Second reminder');
    await popup.page.close();
    popup = await PopupPage.open(browser);
    expect(await popup.title.inputValue()).toBe('Second reminder');
    expect(await popup.titleCounter.textContent()).toBe('15/50');

    expect((await api('PATCH', '/v1/tenant/settings', { deviceSendsPerHour: 1 })).status).toBe(200);
    try {
      await popup.body.fill('Please update today.');
      await popup.page.reload();
      await popup.title.and(popup.page.locator(':enabled')).waitFor();
      await expect.poll(() => popup.quota.textContent()).toMatch(/^Sends left to this device this hour: 0 of 1\. Next one frees at /);
      await popup.send.click();
      await expect
        .poll(() => popup.page.getByTestId('send-problem').textContent())
        .toMatch(/^Quota reached: .+ You can send again in (59|60) minutes \(at [^)]+\)\.$/);
      expect(await popup.page.getByTestId('announcer').textContent()).toMatch(/^Not sent\. Quota reached/);
    } finally {
      await api('PATCH', '/v1/tenant/settings', { deviceSendsPerHour: 10 });
      await popup.page.close();
    }
  });

  it('sends with the keyboard alone, from the focused Title to Send', async () => {
    const popup = await PopupPage.open(browser);
    const keyboard = popup.page.keyboard;
    const focused = () =>
      popup.page.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? document.activeElement?.textContent?.trim() ?? '');
    expect(await popup.page.evaluate(() => document.activeElement?.id)).toBe('field-title');
    await keyboard.press('ControlOrMeta+A');
    await keyboard.type('Wi-Fi maintenance');
    await keyboard.press('Tab');
    await keyboard.press('ControlOrMeta+A');
    await keyboard.type('The office Wi-Fi is down from 6 to 7 pm.');
    await keyboard.press('Tab'); // the Groups / Device radio group
    if ((await popup.page.evaluate(() => (document.activeElement as HTMLInputElement).value)) === 'groups')
      await keyboard.press('ArrowRight');
    expect(await popup.page.getByRole('radio', { name: 'Device', exact: true }).isChecked()).toBe(true);
    await keyboard.press('Tab');
    await keyboard.type('cleo');
    await popup.page.getByRole('option', { name: /iPad of Cleo/ }).waitFor();
    await keyboard.press('Enter');
    await popup.chosenDevice.filter({ hasText: 'iPad of Cleo' }).waitFor();
    await expect.poll(() => popup.send.isEnabled()).toBe(true);
    for (let i = 0; i < 10 && (await focused()) !== 'Send'; i++) await keyboard.press('Tab');
    expect(await focused()).toBe('Send');
    await keyboard.press('Enter');
    await popup.sentId.waitFor();
    await expect.poll(() => popup.page.evaluate(() => document.activeElement?.id)).toBe('sent-heading');
    await popup.page.close();
  });
});
