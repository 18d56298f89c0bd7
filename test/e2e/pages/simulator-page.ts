import type { Locator, Page } from 'playwright-core';
import type { ExtensionBrowser } from '../browser';

/** Herald's device simulator page (/simulator), a phone in a browser tab. */
export class SimulatorPage {
  readonly status: Locator;
  readonly inbox: Locator;

  constructor(readonly page: Page) {
    this.status = page.getByRole('status');
    this.inbox = page.locator('#inbox');
  }

  static async open(browser: ExtensionBrowser, serverUrl: string): Promise<SimulatorPage> {
    const page = await browser.context.newPage();
    await page.goto(`${serverUrl}/simulator`);
    return new SimulatorPage(page);
  }

  /** Pastes the admin token, picks the device by its shown name and enrols it. */
  async enrol(token: string, deviceName: string) {
    await this.page.getByLabel('API token').fill(token);
    await this.page.getByRole('button', { name: 'Find devices' }).click();
    // the label's accessible name takes in the chosen option's text, so the select is found by its id
    const select = this.page.locator('select#device');
    await select.and(this.page.locator(':enabled')).waitFor();
    const label = (await select.locator('option', { hasText: deviceName }).first().textContent())!;
    await select.selectOption({ label });
    await this.page.getByRole('button', { name: 'Enrol and check in' }).click();
    await this.status.filter({ hasText: /^Enrolled as / }).waitFor();
  }

  item(title: string): Locator {
    return this.inbox.locator('article', { has: this.page.getByRole('heading', { name: title }) });
  }
}
