import type { Locator, Page } from 'playwright-core';
import type { ExtensionBrowser } from '../browser';

/** The composer (toolbar popup, or its own window from the right-click menu and the console button). */
export class PopupPage {
  readonly title: Locator;
  readonly body: Locator;
  readonly titleCounter: Locator;
  readonly bodyCounter: Locator;
  readonly send: Locator;
  readonly review: Locator;

  constructor(readonly page: Page) {
    this.title = page.getByLabel('Title', { exact: true });
    this.body = page.getByLabel('Body', { exact: true });
    this.titleCounter = page.locator('#field-title-counter');
    this.bodyCounter = page.locator('#field-body-counter');
    this.send = page.getByRole('button', { name: 'Send', exact: true });
    this.review = page.getByRole('button', { name: 'Review', exact: true });
  }

  static async open(browser: ExtensionBrowser, query = ''): Promise<PopupPage> {
    const page = await browser.context.newPage();
    await page.setViewportSize({ width: 440, height: 760 });
    await page.goto(browser.url(`popup.html${query}`));
    const popup = new PopupPage(page);
    await popup.title.and(page.locator(':enabled')).waitFor();
    return popup;
  }

  async target(kind: 'Groups' | 'Device') {
    await this.page.getByRole('radio', { name: kind }).check();
  }

  /** Types into a type-ahead and picks the option with that text using the keyboard only. */
  private async pick(box: Locator, search: string, option: string) {
    await box.fill(search);
    const listbox = this.page.getByRole('listbox', { name: /results$/ });
    const options = listbox.getByRole('option');
    await options.filter({ hasText: option }).first().waitFor();
    const texts = await options.allTextContents();
    const index = texts.findIndex((t) => t.includes(option));
    for (let i = 0; i < index; i++) await box.press('ArrowDown');
    await box.press('Enter');
  }

  async chooseGroup(search: string, name: string) {
    await this.pick(this.page.getByRole('combobox', { name: 'Add groups' }), search, name);
    await this.page.locator('.chip', { hasText: name }).waitFor();
  }

  private get deviceSearch() {
    return this.page.getByRole('combobox', { name: /^(Device|Change device)$/ });
  }

  async chooseDevice(search: string, name: string) {
    await this.pick(this.deviceSearch, search, name);
    await this.chosenDevice.filter({ hasText: name }).waitFor();
  }

  /** The options a device search offers, as their text. */
  async deviceOptions(search: string, count: number): Promise<string[]> {
    await this.deviceSearch.fill(search);
    const options = this.page.getByRole('listbox', { name: /results$/ }).getByRole('option');
    await options.nth(count - 1).waitFor();
    const texts = await options.allTextContents();
    await this.deviceSearch.press('Escape');
    return texts;
  }

  get chosenDevice() {
    return this.page.getByTestId('chosen-device');
  }
  get reach() {
    return this.page.getByTestId('reach').first();
  }
  get quota() {
    return this.page.getByTestId('quota');
  }
  get sentId() {
    return this.page.getByTestId('sent-id');
  }
  /** From now on, notes every distinct "queued N, sent N" that the live counts show (read with countHistory). */
  async recordCounts() {
    await this.page.evaluate(`(() => {
      const seen = (window.heraldCounts = []);
      const read = (stage) => document.querySelector('[data-testid="sent-counts"] [data-stage="' + stage + '"] .stage-count')?.textContent;
      new MutationObserver(() => {
        const queued = read('queued');
        if (queued === undefined) return;
        const now = 'queued ' + queued + ', sent ' + read('sent');
        if (seen[seen.length - 1] !== now) seen.push(now);
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    })()`);
  }

  countHistory(): Promise<string[]> {
    return this.page.evaluate('window.heraldCounts');
  }
}
