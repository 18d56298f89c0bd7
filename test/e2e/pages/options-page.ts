import type { Page } from 'playwright-core';
import type { ExtensionPages, UiPage } from '../ui';

/** The options page, driven by its labels as a person would (in Chromium by default, or any browser of ExtensionPages). */
export class OptionsPage<P extends UiPage = Page> {
  private constructor(readonly page: P) {}

  static async open<P extends UiPage>(browser: ExtensionPages<P>): Promise<OptionsPage<P>> {
    const page = await browser.openExtensionPage('options.html');
    await page.getByLabel('Server URL').waitFor();
    return new OptionsPage(page);
  }

  async connect(serverUrl: string, token: string): Promise<string> {
    await this.page.getByLabel('Server URL').fill(serverUrl);
    await this.page.getByLabel('API token').fill(token);
    await this.page.getByRole('button', { name: 'Save', exact: true }).click();
    return this.result('connection-result', /^Saved/);
  }

  async testConnection(): Promise<string> {
    await this.page.getByRole('button', { name: 'Test connection' }).click();
    return this.result('connection-result', /^(?!Testing)./);
  }

  /** Sign in with Microsoft to `tenant` on the Herald at `serverUrl`; answers what Options then says. */
  async signInWithMicrosoft(serverUrl: string, tenant: string): Promise<string> {
    await this.page.getByLabel('Server URL').fill(serverUrl);
    await this.page.getByLabel('Entra tenant id or domain').fill(tenant);
    await this.page.getByRole('button', { name: 'Sign in with Microsoft' }).click();
    return this.entraResult();
  }

  /** What the Sign in with Microsoft part says once it has finished (signed in with permissions, a failure, signed out). */
  entraResult(): Promise<string> {
    return this.result('entra-result', /^(?!Signing in|Signed in with Microsoft\. Reading)./);
  }

  async signOut(): Promise<string> {
    await this.page.getByRole('button', { name: 'Sign out' }).click();
    return this.result('entra-result', /^Signed out/);
  }

  async addConsoleRule(pattern: string, regex: string): Promise<string> {
    await this.page.getByLabel('URL match pattern').fill(pattern);
    await this.page.getByLabel('Device id regular expression').fill(regex);
    await this.page.getByRole('button', { name: 'Add rule' }).click();
    return this.result('rules-result', /./);
  }

  async removeConsoleRule(pattern: string): Promise<string> {
    await this.page.getByRole('button', { name: `Remove rule for ${pattern}` }).click();
    return this.result('rules-result', /^Removed/);
  }

  private async result(testId: string, expected: RegExp): Promise<string> {
    const result = this.page.getByTestId(testId);
    await result.filter({ hasText: expected }).waitFor();
    return (await result.textContent()) ?? '';
  }
}
