/**
 * What the page objects need from a browser driver: the part of Playwright's Page and Locator that they and the e2e tests
 * use. Playwright's own types fit it as they are (Chromium); test/e2e/puppeteer-ui.ts gives the same over puppeteer and
 * WebDriver BiDi (Firefox).
 */
export interface UiLocator {
  fill(value: string): Promise<void>;
  click(): Promise<void>;
  check(): Promise<void>;
  press(key: string): Promise<void>;
  waitFor(): Promise<void>;
  textContent(): Promise<string | null>;
  inputValue(): Promise<string>;
  getAttribute(name: string): Promise<string | null>;
  isEnabled(): Promise<boolean>;
  isDisabled(): Promise<boolean>;
  count(): Promise<number>;
  evaluate<R>(fn: (element: Element) => R): Promise<R>;
  allTextContents(): Promise<string[]>;
  evaluateAll<R>(fn: (elements: Element[]) => R): Promise<R>;
  filter(options: { hasText: string | RegExp }): UiLocator;
  and(other: UiLocator): UiLocator;
  first(): UiLocator;
  nth(index: number): UiLocator;
  locator(css: string): UiLocator;
  getByRole(role: string, options?: { name?: string | RegExp; exact?: boolean }): UiLocator;
}

export interface UiPage {
  locator(css: string): UiLocator;
  getByLabel(text: string, options?: { exact?: boolean }): UiLocator;
  getByRole(role: string, options?: { name?: string | RegExp; exact?: boolean }): UiLocator;
  getByTestId(testId: string): UiLocator;
  /** An expression, evaluated in the page; its value comes back as JSON. */
  evaluate<R>(expression: string): Promise<R>;
}

/** How a browser with the extension loaded opens its pages, for the page objects. */
export interface ExtensionPages<P extends UiPage> {
  /** Opens an extension page (e.g. `popup.html?deviceId=...`) in a new tab of that size and returns once it is there. */
  openExtensionPage(path: string, size?: { width: number; height: number }): Promise<P>;
  /** The next page the browser opens (start waiting before the click that opens it). */
  nextPage(): Promise<P>;
}
