import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page, type Worker } from 'playwright-core';
import type { ExtensionPages } from './ui';

/** The built Chrome extension (npm test builds it first). */
export const EXTENSION_DIR = resolve('.output/chrome-mv3');
/** Debian's Chromium (package chromium; .ci/run installs it), the browser binary itself rather than its wrapper script. */
export const CHROMIUM = '/usr/lib/chromium/chromium';
/**
 * The same extension built with `wxt build --mode e2e` (npm test builds it too): it also trusts the tests' fake Entra ID
 * on loopback as a sign-in authority, which a production build cannot (extension/utils/entra-authority.ts).
 */
export const E2E_EXTENSION_DIR = resolve('.output/chrome-mv3-e2e');
export const ARTIFACTS = resolve('test-results');

export interface ExtensionBrowser extends ExtensionPages<Page> {
  context: BrowserContext;
  serviceWorker: Worker;
  extensionId: string;
  url(path: string): string;
  close(): Promise<void>;
}

/** Debian's Chromium with the unpacked extension (`dir`) loaded, as STYLE.md's recipe says (headless, fresh profile), plus `extraArgs`. */
export async function launchWithExtension(extraArgs: string[] = [], dir = EXTENSION_DIR): Promise<ExtensionBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'herald-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      `--disable-extensions-except=${dir}`,
      `--load-extension=${dir}`,
      ...extraArgs,
    ],
  });
  const serviceWorker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker'));
  const extensionId = new URL(serviceWorker.url()).host;
  return {
    context,
    serviceWorker,
    extensionId,
    url: (path) => `chrome-extension://${extensionId}/${path.replace(/^\//, '')}`,
    openExtensionPage: async (path, size) => {
      const page = await context.newPage();
      if (size) await page.setViewportSize(size);
      await page.goto(`chrome-extension://${extensionId}/${path}`);
      return page;
    },
    nextPage: () => context.waitForEvent('page'),
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** The parts of the service worker's `chrome` that tests call through `serviceWorker.evaluate`. */
export interface WorkerGlobal {
  chrome: {
    notifications: { getAll(): Promise<Record<string, unknown>> };
    storage: { local: { set(items: object): Promise<void> } };
    scripting: { getRegisteredContentScripts(): Promise<{ id: string; matches?: string[] }[]> };
    /** Chromium's event objects can dispatch to the listeners the background registered. */
    contextMenus: { onClicked: { dispatch(info: object, tab?: object): void } };
  };
}

/** Saves a Herald server and token as the options page would (storage.local, through the service worker). */
export async function useConnection(browser: ExtensionBrowser, serverUrl: string, token: string): Promise<void> {
  await browser.serviceWorker.evaluate(
    ([url, t]) => (self as unknown as WorkerGlobal).chrome.storage.local.set({ serverUrl: url, token: t }),
    [serverUrl, token] as const,
  );
}
