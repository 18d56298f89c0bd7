import { createServer, type Server } from 'node:http';
import type { BrowserContext, Page, Route } from 'playwright-core';
import type { ExtensionPages, UiLocator, UiPage } from '../ui';
import { directory } from '../directory';
import { PopupPage } from './popup-page';

/** The rows of the fake All devices list: the e2e directory's devices. */
const LIST_ROWS = directory.devices.map((d) => ({ id: d.id, name: d.name, os: d.platform }));

/**
 * A page shaped like the Intune admin center: it routes in the URL fragment and renders each blade's Fluent command bar
 * (`div.ms-OverflowSet[role="menubar"]`) a moment after navigating, as the real one does. The device list has a command
 * bar too, so a button left behind by a previous device would show up there, and its rows are a Fluent DetailsList as the
 * real All devices list is: `[role="row"].ms-DetailsRow` with `aria-selected`, a "Select row" check
 * (`[role="checkbox"][aria-checked]`) that toggles the selection, and the device name linking to the device's blade.
 */
export const FAKE_CONSOLE_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Microsoft Intune admin center</title>
<style>body{font-family:'Segoe UI',sans-serif;margin:0}.ms-CommandBar{display:flex;align-items:center;border-bottom:1px solid #edebe9;padding:0 8px}
.ms-OverflowSet{display:flex}.ms-Button{height:32px;padding:0 10px;border:none;background:none;font:inherit}
button{color:red!important;font-size:30px!important}
.ms-DetailsRow{display:flex;gap:12px;align-items:center}.ms-DetailsRow-check{display:inline-block;width:16px;height:16px;border:1px solid #8a8886}
.ms-DetailsRow.is-selected{background:#edebe9}</style></head>
<body><div id="blade"></div><script>
const commandBar = (actions) => '<div class="ms-CommandBar"><div class="ms-OverflowSet" role="menubar">' +
  actions.map((a) => '<div class="ms-OverflowSet-item"><button class="ms-Button" role="menuitem">' + a + '</button></div>').join('') + '</div></div>';
const rows = ${JSON.stringify(LIST_ROWS)};
const list = () => '<div role="grid" class="ms-DetailsList" aria-label="All devices" aria-multiselectable="true">' +
  '<div role="row" class="ms-DetailsHeader"><div role="columnheader">Device name</div><div role="columnheader">OS</div></div>' +
  rows.map((r, i) => '<div role="row" class="ms-DetailsRow" aria-selected="false" data-selection-index="' + i + '">' +
    '<div role="gridcell" class="ms-DetailsRow-cellCheck"><div role="checkbox" class="ms-DetailsRow-check" aria-checked="false" aria-label="Select row" data-selection-toggle="true" tabindex="0"></div></div>' +
    '<div role="gridcell" data-automation-key="deviceName"><a href="#view/Microsoft_Intune_Devices/DeviceSettingsMenuBlade/~/overview/mdmDeviceId/' + r.id + '">' + r.name + '</a></div>' +
    '<div role="gridcell" data-automation-key="os">' + r.os + '</div></div>').join('') + '</div>';
document.addEventListener('click', (event) => {
  const check = event.target.closest('[data-selection-toggle]');
  if (!check) return;
  const row = check.closest('[role="row"]');
  const selected = row.getAttribute('aria-selected') !== 'true';
  row.setAttribute('aria-selected', String(selected));
  row.classList.toggle('is-selected', selected);
  check.setAttribute('aria-checked', String(selected));
});
let pending;
function route() {
  const blade = document.getElementById('blade');
  blade.innerHTML = '';
  clearTimeout(pending);
  const m = /mdmDeviceId\\/([0-9a-f-]{36})/.exec(location.hash);
  pending = setTimeout(() => {
    blade.innerHTML = m
      ? '<h1>Device overview</h1>' + commandBar(['Retire', 'Wipe', 'Delete', 'Remote lock', 'Sync']) + '<p>Device id ' + m[1] + '</p>'
      : '<h1>All devices</h1>' + commandBar(['Refresh', 'Filter', 'Columns', 'Export']) + list();
  }, m ? 300 : 50);
}
addEventListener('hashchange', route);
route();
</script></body></html>`;

/** The admin center's fragment routes: the device list, and a device's overview. */
export const ALL_DEVICES = '#view/Microsoft_Intune_DeviceSettings/DevicesMenu/~/allDevices';
export const deviceOverview = (deviceId: string) =>
  `#view/Microsoft_Intune_Devices/DeviceSettingsMenuBlade/~/overview/mdmDeviceId/${deviceId}`;

/** Serves the fake admin center on 127.0.0.1 (an origin the extension may read) on a free port. */
export async function serveFakeConsole(): Promise<{ origin: string; close(): Promise<void> }> {
  const server: Server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(FAKE_CONSOLE_HTML);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections(); // the browser keeps its connection alive
      }),
  };
}

/**
 * Answers every request to a real admin center host (e.g. https://intune.microsoft.com) with the fake page, inside the
 * browser: the URL, and so the built-in content script's match, is the real one, with no network needed.
 */
export async function routeFakeConsole(context: BrowserContext, origin: string): Promise<{ close(): Promise<void> }> {
  const pattern = `${origin}/**`;
  const handler = (route: Route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: FAKE_CONSOLE_HTML });
  await context.route(pattern, handler);
  return { close: () => context.unroute(pattern, handler) };
}

/** A console page (in Chromium by default); the browser is what opens the composer's window. */
export class ConsolePage<P extends UiPage = Page> {
  constructor(
    readonly page: P,
    private readonly browser: ExtensionPages<P>,
  ) {}

  /** Single-page navigation: only the fragment changes. */
  async navigate(hash: string) {
    await this.page.evaluate(`void (location.hash = ${JSON.stringify(hash)})`);
  }

  async showDevice(deviceId: string) {
    await this.navigate(deviceOverview(deviceId));
  }

  async showAllDevices() {
    await this.navigate(ALL_DEVICES);
    await this.page.getByRole('heading', { name: 'All devices' }).waitFor();
    await this.deviceActions.waitFor();
  }

  get deviceActions(): UiLocator {
    return this.page.locator('div.ms-OverflowSet[role="menubar"]');
  }

  /** Every copy of the extension's button on the page (there must never be more than one). */
  get injected(): UiLocator {
    return this.page.locator('herald-send-notification');
  }

  /** Whether the button sits right after the device actions' command bar. */
  isBesideDeviceActions(): Promise<boolean> {
    return this.page.evaluate<boolean>(
      `document.querySelector('herald-send-notification')?.previousElementSibling?.matches('div.ms-OverflowSet[role="menubar"]') ?? false`,
    );
  }

  /** Clicks the button: the composer opens in its own window. */
  async openComposer(): Promise<PopupPage<P>> {
    const opened = this.browser.nextPage();
    await this.sendButton.click();
    return new PopupPage<P>(await opened);
  }

  /** The device of each copy of the button on the page. */
  shownDeviceIds(): Promise<(string | undefined)[]> {
    return this.injected.locator('button').evaluateAll((buttons) => buttons.map((b) => (b as HTMLElement).dataset.deviceId));
  }

  /** Ticks the "Select row" check of the device of that name in the All devices list. */
  async selectRow(name: string) {
    await this.page.locator('[role="row"].ms-DetailsRow').filter({ hasText: name }).getByRole('checkbox', { name: 'Select row' }).click();
  }

  /** The extension's button, inside its open shadow root (role queries pierce it; `injected` counts the copies). */
  get sendButton(): UiLocator {
    return this.page.getByRole('button', { name: 'Send Custom Notification' });
  }
}
