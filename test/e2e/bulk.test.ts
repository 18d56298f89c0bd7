import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localValue, offsetMinutes } from '../../extension/utils/send-time';
import { ARTIFACTS, launchWithExtension, useConnection, type ExtensionBrowser } from './browser';
import { IDS } from './directory';
import { startHeraldWithDirectory, type E2eHerald } from './herald-server';
import { ALL_DEVICES, ConsolePage, routeFakeConsole } from './pages/console-page';
import { PopupPage } from './pages/popup-page';

let herald: E2eHerald;
let browser: ExtensionBrowser;

beforeAll(async () => {
  herald = await startHeraldWithDirectory();
  browser = await launchWithExtension();
  await useConnection(browser, herald.url, herald.token);
});

afterAll(async () => {
  await browser?.close();
  await herald?.close();
});

/** Adds a device chip through the Devices type-ahead, with the keyboard. */
async function addDevice(popup: PopupPage, search: string, name: string) {
  const box = popup.page.getByRole('combobox', { name: 'Add devices' });
  await box.fill(search);
  await popup.page
    .getByRole('listbox', { name: 'Add devices results' })
    .getByRole('option', { name: new RegExp(name) })
    .waitFor();
  await box.press('Enter');
  await popup.page.getByTestId('device-chip').filter({ hasText: name }).waitFor();
}

describe('issue #15 in Chromium against a real Herald', () => {
  it('sends to several devices from the popup, marks the one that cannot receive, and lists it as refused after the send', async () => {
    const popup = await PopupPage.open(browser);
    const { page } = popup;
    await popup.target('Devices');
    await addDevice(popup, 'iphone', 'iPhone of Ana');
    await addDevice(popup, 'pixel', 'Pixel of Ben');
    await addDevice(popup, 'macbook', 'MacBook of Ana');
    expect(await page.getByRole('status', { name: '3 of 100 devices chosen' }).textContent()).toBe('3/100');
    const mac = page.getByTestId('device-chip').filter({ hasText: 'MacBook of Ana' });
    await expect
      .poll(() => mac.locator('.chip-problem').textContent())
      .toBe('cannot receive: cannot receive custom notifications (only iOS, iPadOS and Android can)');
    const phone = page.getByTestId('device-chip').filter({ hasText: 'iPhone of Ana' });
    await expect.poll(() => phone.getAttribute('title')).toBe('Sends left to this device this hour: 10 of 10.');

    await popup.title.fill('Restart your phone');
    await popup.body.fill('Restart today to finish the update.');
    await popup.review.click();
    await page.getByRole('heading', { name: 'Review' }).waitFor();
    expect(await page.getByTestId('review-devices').textContent()).toBe('iPhone of Ana, Pixel of Ben, MacBook of Ana');
    await popup.send.click();
    await popup.sentId.waitFor();
    await expect
      .poll(() => page.getByTestId('refused-devices').textContent())
      .toBe('Not sent to 1 device:MacBook of Ana: cannot receive custom notifications (only iOS, iPadOS and Android can)');
    await page.screenshot({ path: join(ARTIFACTS, 'bulk-sent.png') });
    const id = (await popup.sentId.textContent())!;
    const sent = (await herald.api('GET', `/v1/notifications/${id}`)).body as Record<string, unknown>;
    expect(sent).toMatchObject({
      status: 'queued',
      target: { type: 'devices', deviceIds: [IDS.phone, IDS.pixel] },
      audience: { devices: 2 },
    });

    await page.getByRole('button', { name: 'History' }).click();
    const newest = page.getByTestId('history-item').first();
    await expect.poll(() => newest.getByTestId('refused-devices').textContent()).toContain('MacBook of Ana');
    await page.close();
  });

  it('turns a selection in the admin center’s All devices list into “Send Custom Notification (N)”, which opens the composer with them', async () => {
    const intune = await routeFakeConsole(browser.context, 'https://intune.microsoft.com');
    const adminCenter = new ConsolePage(await browser.context.newPage(), browser);
    try {
      await adminCenter.page.goto(`https://intune.microsoft.com/${ALL_DEVICES}`);
      await adminCenter.showAllDevices();
      await adminCenter.selectRow('iPhone of Ana');
      await adminCenter.page.getByRole('button', { name: 'Send Custom Notification (1)' }).waitFor();
      await adminCenter.selectRow('iPad of Cleo');
      await adminCenter.page.getByRole('button', { name: 'Send Custom Notification (2)' }).waitFor();
      await expect.poll(() => adminCenter.injected.count()).toBe(1);
      expect(await adminCenter.isBesideDeviceActions()).toBe(true);
      await adminCenter.page.locator('.ms-CommandBar').screenshot({ path: join(ARTIFACTS, 'bulk-console-selection.png') });

      const composer = await adminCenter.openComposer();
      expect(composer.page.url()).toMatch(new RegExp(`/popup\\.html\\?deviceId=${IDS.phone}&deviceId=${IDS.ipad}$`));
      const chips = composer.page.getByTestId('device-chip');
      await expect.poll(() => chips.locator('span').allTextContents()).toEqual(['iPhone of Ana', 'iPad of Cleo']);
      expect(await composer.page.getByRole('radio', { name: 'Devices' }).isChecked()).toBe(true);
      await composer.page.close();

      // Clearing the selection takes the button away again.
      await adminCenter.selectRow('iPhone of Ana');
      await adminCenter.selectRow('iPad of Cleo');
      await expect.poll(() => adminCenter.injected.count()).toBe(0);
    } finally {
      await adminCenter.page.close();
      await intune.close();
    }
  });

  it('schedules a send for tomorrow 15:30 in the browser’s time zone, then cancels it from History', async () => {
    const popup = await PopupPage.open(browser);
    const { page } = popup;
    const zone = await page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone);
    await popup.target('Device');
    await popup.chooseDevice('pixel', 'Pixel of Ben');
    await popup.title.fill('The office closes at 16:00');
    await popup.body.fill('Please leave by the front door.');
    await page.getByLabel('Send later').check();
    const tomorrow = `${localValue(Date.now() + 86_400_000, zone).slice(0, 10)}T15:30`;
    await page.getByLabel(`Send at (${zone})`).fill(tomorrow);
    await expect.poll(() => page.getByTestId('send-at-words').textContent()).toBe(`Tomorrow, 15:30 ${zone}`);

    await popup.review.click();
    expect(await page.getByTestId('review-when').textContent()).toBe(`Tomorrow, 15:30 ${zone}`);
    await page.getByRole('button', { name: 'Schedule', exact: true }).click();
    await page.getByRole('heading', { name: 'Scheduled' }).waitFor();
    const id = (await popup.sentId.textContent())!;
    const scheduled = (await herald.api('GET', `/v1/notifications/${id}`)).body as { status: string; sendAt: string };
    expect(scheduled.status).toBe('scheduled');
    const wallClock = Date.parse(`${tomorrow}:00Z`);
    expect(Date.parse(scheduled.sendAt)).toBe(wallClock - offsetMinutes(Date.parse(scheduled.sendAt), zone) * 60_000);

    await page.getByRole('button', { name: 'History' }).click();
    const first = page.getByTestId('history-item').first();
    await expect.poll(() => first.locator('h3').textContent()).toBe('The office closes at 16:00');
    expect(await first.getByTestId('history-status').textContent()).toBe(`Scheduled: goes Tomorrow, 15:30 ${zone}.`);
    await first.getByRole('button', { name: 'Cancel', exact: true }).click();
    await first.getByRole('button', { name: 'Cancel send' }).click();
    await expect.poll(() => first.getByTestId('history-status').textContent()).toBe('Canceled: it was not sent.');
    await page.screenshot({ path: join(ARTIFACTS, 'bulk-scheduled-canceled.png') });
    expect(((await herald.api('GET', `/v1/notifications/${id}`)).body as { status: string }).status).toBe('canceled');
    await page.close();
  });
});
