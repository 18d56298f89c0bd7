import type { ElementHandle, JSHandle, Page } from 'puppeteer-core';
import type { UiLocator, UiPage } from './ui';

/**
 * The page objects' UiPage and UiLocator over puppeteer (Firefox over WebDriver BiDi), with Playwright's meaning: a locator
 * is a query re-run at each use; `getByRole`, `getByLabel` and CSS reach into open shadow roots; a role or label name is
 * matched case-insensitively as a substring unless `exact` (a RegExp is tested as is); actions wait for their element
 * and refuse an ambiguous one.
 */

type Text = string | { source: string; flags: string };
type Step =
  | { css: string }
  | { role: string; name?: Text; exact?: boolean }
  | { label: string; exact?: boolean }
  | { hasText: Text }
  | { nth: number }
  | { and: Step[] };

const text = (t: string | RegExp): Text => (typeof t === 'string' ? t : { source: t.source, flags: t.flags });

/** Runs in the page: the elements a chain of steps finds, in document order. Self-contained (it is sent as source). */
function query(steps: Step[]): Element[] {
  const all = (root: Document | Element | ShadowRoot): Element[] => {
    const found: Element[] = [];
    const walk = (node: Document | Element | ShadowRoot) => {
      if ('shadowRoot' in node && node.shadowRoot) walk(node.shadowRoot);
      for (const child of Array.from(node.children)) {
        found.push(child);
        walk(child);
      }
    };
    walk(root);
    return found;
  };
  const squash = (s: string | null | undefined) => (s ?? '').replace(/\s+/g, ' ').trim();
  const matches = (value: string, expected: Text, exact?: boolean) =>
    typeof expected === 'string'
      ? exact
        ? value === expected
        : value.toLowerCase().includes(expected.toLowerCase())
      : new RegExp(expected.source, expected.flags).test(value);
  const byIds = (el: Element, ids: string) =>
    ids
      .split(/\s+/)
      .map((id) => squash((el.getRootNode() as Document).getElementById?.(id)?.textContent))
      .join(' ');
  const label = (el: Element): string => {
    const labelledBy = el.getAttribute('aria-labelledby');
    if (labelledBy) return squash(byIds(el, labelledBy));
    const aria = el.getAttribute('aria-label');
    if (aria) return squash(aria);
    const labels = (el as HTMLInputElement).labels;
    return labels?.length ? squash(Array.from(labels, (l) => l.textContent).join(' ')) : '';
  };
  const role = (el: Element): string => {
    const explicit = el.getAttribute('role');
    if (explicit) return explicit.split(' ')[0] ?? '';
    const tag = el.tagName.toLowerCase();
    const type = (el.getAttribute('type') ?? 'text').toLowerCase();
    if (tag === 'button' || (tag === 'input' && ['button', 'submit', 'reset'].includes(type))) return 'button';
    if (tag === 'input')
      return type === 'radio' ? 'radio' : type === 'checkbox' ? 'checkbox' : el.hasAttribute('list') ? 'combobox' : 'textbox';
    if (tag === 'textarea') return 'textbox';
    if (/^h[1-6]$/.test(tag)) return 'heading';
    if (tag === 'a' && el.hasAttribute('href')) return 'link';
    return { select: 'combobox', option: 'option', ul: 'list', ol: 'list', li: 'listitem', dialog: 'dialog' }[tag] ?? '';
  };
  const nameFromContent = ['button', 'link', 'heading', 'option', 'radio', 'checkbox', 'tab', 'menuitem', 'listitem'];
  const name = (el: Element) =>
    label(el) || (nameFromContent.includes(role(el)) ? squash(el.textContent) : '') || squash(el.getAttribute('title'));
  const shown = (el: Element) => !el.closest('[aria-hidden="true"]') && el.checkVisibility();
  const run = (chain: Step[]): Element[] => {
    let scope: (Document | Element)[] = [document];
    let current: Element[] = [];
    for (const step of chain) {
      const below = () => [...new Set(scope.flatMap(all))];
      if ('css' in step) current = below().filter((el) => el.matches(step.css));
      else if ('role' in step)
        current = below().filter(
          (el) => role(el) === step.role && shown(el) && (step.name === undefined || matches(name(el), step.name, step.exact)),
        );
      else if ('label' in step) current = below().filter((el) => label(el) !== '' && matches(label(el), step.label, step.exact));
      else if ('hasText' in step) current = current.filter((el) => matches(squash(el.textContent), step.hasText));
      else if ('nth' in step) current = current.slice(step.nth, step.nth + 1);
      else {
        const other = new Set(run(step.and));
        current = current.filter((el) => other.has(el));
      }
      scope = current;
    }
    return current;
  };
  return run(steps);
}

const POLL_MS = 50;
const TIMEOUT_MS = 30_000;

class PuppeteerLocator implements UiLocator {
  constructor(
    private readonly page: Page,
    readonly steps: Step[],
  ) {}

  private with(step: Step) {
    return new PuppeteerLocator(this.page, [...this.steps, step]);
  }

  private all(): Promise<JSHandle<Element[]>> {
    return this.page.evaluateHandle(`(${query.toString()})(${JSON.stringify(this.steps)})`) as Promise<JSHandle<Element[]>>;
  }

  /** Waits for the one element; several at once is a mistake in the test (as Playwright's strict mode says). */
  private async one(): Promise<ElementHandle<Element>> {
    await this.waitFor();
    const elements = await this.all();
    const count = await elements.evaluate((list) => list.length);
    if (count !== 1) throw new Error(`${count} elements match ${JSON.stringify(this.steps)}, expected one`);
    return (await elements.evaluateHandle((list) => list[0])) as ElementHandle<Element>;
  }

  async waitFor(): Promise<void> {
    await this.page.waitForFunction(`(${query.toString()})(${JSON.stringify(this.steps)}).length > 0`, {
      polling: POLL_MS,
      timeout: TIMEOUT_MS,
    });
  }

  async fill(value: string) {
    const el = await this.one();
    await el.evaluate((input, v) => {
      const field = input as HTMLInputElement;
      field.focus();
      const setter = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(field), 'value')?.set;
      setter?.call(field, v);
      field.dispatchEvent(new Event('input', { bubbles: true }));
      field.dispatchEvent(new Event('change', { bubbles: true }));
    }, value);
  }

  async click() {
    await (await this.one()).click();
  }

  async check() {
    const el = await this.one();
    if (!(await el.evaluate((input) => (input as HTMLInputElement).checked))) await el.click();
  }

  async press(key: string) {
    await (await this.one()).press(key as Parameters<ElementHandle['press']>[0]);
  }

  async textContent() {
    return (await this.one()).evaluate((el) => el.textContent);
  }

  async allTextContents() {
    return (await this.all()).evaluate((list) => list.map((el) => el.textContent ?? ''));
  }

  async inputValue() {
    return (await this.one()).evaluate((el) => (el as HTMLInputElement).value);
  }

  async getAttribute(name: string) {
    return (await this.one()).evaluate((el, n) => el.getAttribute(n), name);
  }

  async isEnabled() {
    return !(await this.isDisabled());
  }

  async isDisabled() {
    return (await this.one()).evaluate((el) => el.matches(':disabled'));
  }

  async count() {
    return (await this.all()).evaluate((list) => list.length);
  }

  async evaluate<R>(fn: (element: Element) => R): Promise<R> {
    return (await (await this.one()).evaluate(fn)) as R;
  }

  async evaluateAll<R>(fn: (elements: Element[]) => R): Promise<R> {
    return (await (await this.all()).evaluate(fn)) as R;
  }

  filter(options: { hasText: string | RegExp }) {
    return this.with({ hasText: text(options.hasText) });
  }

  and(other: UiLocator) {
    if (!(other instanceof PuppeteerLocator)) throw new Error('and() takes a locator of the same page');
    return this.with({ and: other.steps });
  }

  first() {
    return this.with({ nth: 0 });
  }

  nth(index: number) {
    return this.with({ nth: index });
  }

  locator(css: string) {
    return this.with({ css });
  }

  getByRole(role: string, options: { name?: string | RegExp; exact?: boolean } = {}) {
    return this.with({ role, name: options.name === undefined ? undefined : text(options.name), exact: options.exact });
  }
}

/** A puppeteer page seen through UiPage; `raw` is the page itself for what only puppeteer offers. */
export class PuppeteerUiPage implements UiPage {
  constructor(readonly raw: Page) {}

  private root(step: Step) {
    return new PuppeteerLocator(this.raw, [step]);
  }

  locator(css: string) {
    return this.root({ css });
  }

  getByLabel(label: string, options: { exact?: boolean } = {}) {
    return this.root({ label, exact: options.exact });
  }

  getByRole(role: string, options: { name?: string | RegExp; exact?: boolean } = {}) {
    return this.root({ role, name: options.name === undefined ? undefined : text(options.name), exact: options.exact });
  }

  getByTestId(testId: string) {
    return this.root({ css: `[data-testid=${JSON.stringify(testId)}]` });
  }

  async evaluate<R>(expression: string): Promise<R> {
    return (await this.raw.evaluate(expression)) as R;
  }

  close() {
    return this.raw.close();
  }
}
