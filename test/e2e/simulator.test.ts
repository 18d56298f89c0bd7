import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config';
import { importDemo } from '../../server/directory/demo';
import { startServer, type RunningServer } from '../../server/serve';
import { ARTIFACTS, launchWithExtension, useConnection, type ExtensionBrowser } from './browser';
import { PopupPage } from './pages/popup-page';
import { SimulatorPage } from './pages/simulator-page';

/** Herald as `npm start` runs it: the push simulator, the device simulator page on, the sample organisation imported. */
let herald: RunningServer;
let token: string;
let dataDir: string;
let browser: ExtensionBrowser;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'herald-e2e-sim-'));
  herald = await startServer(
    loadConfig({
      HERALD_DB_URL: `file:${join(dataDir, 'herald.db')}`,
      HERALD_PORT: '0',
      HERALD_LOG: 'silent',
      HERALD_DEVICE_SIMULATOR: 'on',
    }),
  );
  token = herald.bootstrap!.token;
  await importDemo(herald.database, herald.bootstrap!.tenantId, Date.now());
  browser = await launchWithExtension();
  await useConnection(browser, herald.url, token);
});

afterAll(async () => {
  await browser?.close();
  await herald?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('the device simulator, with the extension in Chromium', () => {
  it('enrols a sample device; a send from the popup arrives in its inbox, opening it moves the funnel, and an urgent one is acknowledged', async () => {
    const phone = await SimulatorPage.open(browser, herald.url);
    await phone.enrol(token, "Isla's iPhone");

    const popup = await PopupPage.open(browser);
    await popup.target('Device');
    await popup.chooseDevice('isla', "Isla's iPhone");
    await popup.title.fill('Fire drill at 11:00');
    await popup.body.fill('Leave by the nearest exit and meet in the car park.');
    await expect.poll(() => popup.send.isEnabled()).toBe(true);
    await popup.send.click();
    await popup.sentId.waitFor();

    const item = phone.item('Fire drill at 11:00');
    await item.waitFor();
    expect(await item.locator('p').textContent()).toBe('Leave by the nearest exit and meet in the car park.');
    await expect.poll(() => item.locator('.meta').textContent()).toMatch(/delivered$/);
    await item.getByRole('button', { name: 'Open' }).click();
    await expect.poll(() => item.locator('.meta').textContent()).toMatch(/opened$/);
    await phone.page.screenshot({ path: join(ARTIFACTS, 'device-simulator.png') });

    await popup.page.getByRole('button', { name: 'History' }).click();
    const newest = popup.page.getByTestId('history-item').first();
    await expect.poll(() => newest.locator('h3').textContent()).toBe('Fire drill at 11:00');
    await expect.poll(() => newest.locator('[data-stage="opened"] .stage-count').textContent()).toBe('1');
    await popup.page.close();

    // an urgent message that asks for acknowledgement, from the popup: the simulator shows its urgency and language
    // and an Acknowledge button (the first message asked for none, so it has no such button)
    expect(await item.getByRole('button', { name: 'Acknowledge' }).count()).toBe(0);
    const urgentPopup = await PopupPage.open(browser);
    await urgentPopup.target('Device');
    await urgentPopup.chooseDevice('isla', "Isla's iPhone");
    await urgentPopup.title.fill('Restart your phone today');
    await urgentPopup.body.fill('The update needs a restart before 17:00.');
    await urgentPopup.page.getByRole('radio', { name: 'High' }).check();
    await urgentPopup.page.getByLabel('Require acknowledgement').check();
    await expect.poll(() => urgentPopup.send.isEnabled()).toBe(true);
    await urgentPopup.send.click();
    await urgentPopup.sentId.waitFor();

    const urgent = phone.item('Restart your phone today');
    await urgent.waitFor();
    await expect.poll(() => urgent.locator('.meta').textContent()).toMatch(/ · language default · urgency high · delivered$/);
    await urgent.getByRole('button', { name: 'Acknowledge' }).click();
    await expect.poll(() => urgent.locator('.meta').textContent()).toMatch(/acknowledged$/);
    expect(await urgent.getByRole('button', { name: 'Acknowledge' }).count()).toBe(0);

    // the popup's funnel moves to acknowledged
    await urgentPopup.page.getByRole('button', { name: 'History' }).click();
    const acknowledged = urgentPopup.page.getByTestId('history-item').first();
    await expect.poll(() => acknowledged.locator('h3').textContent()).toBe('Restart your phone today');
    await expect.poll(() => acknowledged.locator('[data-stage="acknowledged"] .stage-count').textContent()).toBe('1');
    await urgentPopup.page.close();
    await phone.page.close();
  });
});
