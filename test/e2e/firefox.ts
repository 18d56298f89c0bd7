import { resolve } from 'node:path';
import puppeteer, { type Browser, type Page, type Target } from 'puppeteer-core';
import type { ExtensionPages } from './ui';
import { PuppeteerUiPage } from './puppeteer-ui';

/** The built Firefox extension (npm test builds it first) and its gecko id (wxt.config.ts). */
export const FIREFOX_EXTENSION_DIR = resolve('.output/firefox-mv2');
const GECKO_ID = 'herald@herald.local';
/** Firefox gives each install a random uuid for its moz-extension: origin; this pref fixes it, as Chromium's `key` would. */
const EXTENSION_UUID = '5f1d3a4e-2b6c-4e8f-9a0b-7c1d2e3f4a5b';

/** A raw WebDriver BiDi command: what puppeteer has no method for (the browser's own chrome windows). */
type BidiSend = (method: string, params: object) => Promise<{ result: unknown }>;

export interface FirefoxWithExtension extends ExtensionPages<PuppeteerUiPage> {
  browser: Browser;
  url(path: string): string;
  /** A new blank tab. */
  newPage(): Promise<PuppeteerUiPage>;
  /** Sets the extension's storage.local from one of its pages, as the options page would. */
  setStorage(items: Record<string, unknown>): Promise<void>;
  /** Answers every request of this page under `origin` (e.g. https://intune.microsoft.com) with `html`, without the network. */
  route(page: PuppeteerUiPage, origin: string, html: string): Promise<void>;
  /** Right-clicks the element and picks the item of Firefox's own context menu with that label. */
  contextMenu(page: PuppeteerUiPage, selector: string, item: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * Debian's Firefox ESR, headless, driven by puppeteer over WebDriver BiDi, with the extension installed as a temporary
 * add-on. `-remote-allow-system-access` lets BiDi reach the browser window itself, where the context menu lives.
 */
export async function launchFirefoxWithExtension(): Promise<FirefoxWithExtension> {
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: '/usr/bin/firefox-esr',
    headless: true,
    args: ['-remote-allow-system-access'],
    extraPrefsFirefox: { 'extensions.webextensions.uuids': JSON.stringify({ [GECKO_ID]: EXTENSION_UUID }) },
  });
  try {
    await browser.installExtension(FIREFOX_EXTENSION_DIR);
  } catch (error) {
    await browser.close();
    throw error;
  }
  const url = (path: string) => `moz-extension://${EXTENSION_UUID}/${path.replace(/^\//, '')}`;
  // puppeteer's BiDi connection (not in its typings) sends what it has no method for.
  const { connection } = browser as unknown as { connection: { send: BidiSend } };
  const send: BidiSend = (method, params) => connection.send(method, params);

  /** A new tab's page once it shows a document of its own (a moz-extension: load is never reported over BiDi). */
  const settled = async (page: Page): Promise<PuppeteerUiPage> => {
    for (const started = Date.now(); Date.now() - started < 30_000; await new Promise((r) => setTimeout(r, 50))) {
      const href = await page.evaluate(() => location.href).catch(() => 'about:blank');
      if (href !== 'about:blank') return new PuppeteerUiPage(page);
    }
    throw new Error('the new page never left about:blank');
  };

  const openExtensionPage = async (path: string, size?: { width: number; height: number }) => {
    const page = await browser.newPage();
    if (size) await page.setViewport(size);
    void page.goto(url(path)).catch(() => {}); // never settles for moz-extension: (STYLE.md); the page objects wait for an element
    return settled(page);
  };

  return {
    browser,
    url,
    openExtensionPage,
    newPage: async () => new PuppeteerUiPage(await browser.newPage()),
    nextPage: async () => {
      const known = new Set<Target>(browser.targets());
      const target = await browser.waitForTarget((t) => t.type() === 'page' && !known.has(t), { timeout: 30_000 });
      return settled((await target.page())!);
    },
    setStorage: async (items) => {
      const page = await openExtensionPage('options.html');
      await page.raw.evaluate(
        (i) =>
          (globalThis as unknown as { browser: { storage: { local: { set(i: object): Promise<void> } } } }).browser.storage.local.set(i),
        items,
      );
      await page.close();
    },
    route: async (page, origin, html) => {
      await page.raw.setRequestInterception(true);
      page.raw.on('request', (request) => {
        if (request.isInterceptResolutionHandled()) return;
        if (new URL(request.url()).origin === origin)
          void request.respond({ status: 200, contentType: 'text/html; charset=utf-8', body: html });
        else void request.continue();
      });
    },
    contextMenu: async (page, selector, item) => {
      await (await page.raw.waitForSelector(selector))!.click({ button: 'right' });
      const tree = (await send('browsingContext.getTree', { 'moz:scope': 'chrome', maxDepth: 0 })).result as {
        contexts: { context: string }[];
      };
      const { result } = await send('script.evaluate', {
        target: { context: tree.contexts[0]!.context },
        awaitPromise: true,
        expression: `(async () => {
          const menu = document.getElementById('contentAreaContextMenu');
          for (let i = 0; i < 200 && menu.state !== 'open'; i++) await new Promise((r) => setTimeout(r, 25));
          const entry = [...menu.querySelectorAll('menuitem')].find((m) => !m.hidden && m.label === ${JSON.stringify(item)});
          if (!entry) { menu.hidePopup(); return 'menu ' + menu.state + ' without ' + ${JSON.stringify(item)}; }
          menu.activateItem(entry);
          return 'ok';
        })()`,
      });
      const answer = (result as { result?: { value?: string } }).result?.value;
      if (answer !== 'ok') throw new Error(`context menu: ${answer ?? JSON.stringify(result)}`);
    },
    close: () => browser.close(),
  };
}
