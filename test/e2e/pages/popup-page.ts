import type { Page } from 'playwright-core';
import type { ExtensionPages, UiLocator, UiPage } from '../ui';

/** The composer (toolbar popup, or its own window from the right-click menu and the console button), in Chromium by default. */
export class PopupPage<P extends UiPage = Page> {
  readonly title: UiLocator;
  readonly body: UiLocator;
  readonly titleCounter: UiLocator;
  readonly bodyCounter: UiLocator;
  readonly send: UiLocator;
  readonly review: UiLocator;

  constructor(readonly page: P) {
    this.title = page.getByLabel('Title', { exact: true });
    this.body = page.getByLabel('Body', { exact: true });
    this.titleCounter = page.locator('#field-title-counter');
    this.bodyCounter = page.locator('#field-body-counter');
    this.send = page.getByRole('button', { name: 'Send', exact: true });
    this.review = page.getByRole('button', { name: 'Review', exact: true });
  }

  static async open<P extends UiPage>(browser: ExtensionPages<P>, query = ''): Promise<PopupPage<P>> {
    const page = await browser.openExtensionPage(`popup.html${query}`, { width: 440, height: 760 });
    const popup = new PopupPage<P>(page);
    await popup.title.and(page.locator(':enabled')).waitFor();
    return popup;
  }

  async target(kind: 'Groups' | 'Device' | 'Devices') {
    await this.page.getByRole('radio', { name: kind, exact: true }).check();
  }

  /** Types into a type-ahead and picks the option with that text using the keyboard only. */
  private async pick(box: UiLocator, search: string, option: string) {
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
    await this.page.locator('.chip').filter({ hasText: name }).waitFor();
  }

  /** Fills the message from the template of that name, found by searching for `search`. */
  async chooseTemplate(search: string, name: string) {
    await this.pick(this.page.getByRole('combobox', { name: 'Template' }), search, name);
    await this.page.getByTestId('template-used').waitFor();
  }

  /** Adds a language tab and waits for its title field. */
  async addLanguage(tag: string) {
    await this.page.getByLabel('Add a language', { exact: true }).fill(tag);
    await this.page.getByRole('button', { name: 'Add language', exact: true }).click();
    await this.page.getByRole('tab', { name: tag }).waitFor();
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
    return this.page.evaluate<string[]>('window.heraldCounts');
  }
}
