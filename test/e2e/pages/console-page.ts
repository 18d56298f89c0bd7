import { createServer, type Server } from 'node:http';
import type { Locator, Page } from 'playwright-core';

/**
 * A page shaped like the Intune admin center: it routes in the URL fragment and renders the device blade's Fluent
 * command bar (`div.ms-OverflowSet[role="menubar"]`) a moment after navigating to a device, as the real one does.
 */
const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Microsoft Intune admin center</title>
<style>body{font-family:'Segoe UI',sans-serif;margin:0}.ms-CommandBar{display:flex;align-items:center;border-bottom:1px solid #edebe9;padding:0 8px}
.ms-OverflowSet{display:flex}.ms-Button{height:32px;padding:0 10px;border:none;background:none;font:inherit}
button{color:red!important;font-size:30px!important}</style></head>
<body><div id="blade"></div><script>
function route() {
  const blade = document.getElementById('blade');
  blade.innerHTML = '';
  const m = /mdmDeviceId\\/([0-9a-f-]{36})/.exec(location.hash);
  if (!m) { blade.innerHTML = '<h1>All devices</h1>'; return; }
  setTimeout(() => {
    blade.innerHTML = '<h1>Device overview</h1><div class="ms-CommandBar"><div class="ms-OverflowSet" role="menubar">' +
      ['Retire', 'Wipe', 'Delete', 'Remote lock', 'Sync'].map((a) => '<div class="ms-OverflowSet-item"><button class="ms-Button" role="menuitem">' + a + '</button></div>').join('') +
      '</div></div><p>Device id ' + m[1] + '</p>';
  }, 300);
}
addEventListener('hashchange', route);
route();
</script></body></html>`;

/** Serves the fake admin center on 127.0.0.1 (an origin the extension may read) on a free port. */
export async function serveFakeConsole(): Promise<{ origin: string; close(): Promise<void> }> {
  const server: Server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(html);
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

export class ConsolePage {
  constructor(readonly page: Page) {}

  async showDevice(deviceId: string) {
    await this.page.evaluate((id) => {
      location.hash = `#view/Microsoft_Intune_Devices/DeviceSettingsMenuBlade/~/overview/mdmDeviceId/${id}`;
    }, deviceId);
  }

  get deviceActions(): Locator {
    return this.page.locator('div.ms-OverflowSet[role="menubar"]');
  }

  /** The extension's button; Playwright's CSS engine pierces the open shadow root. */
  get sendButton(): Locator {
    return this.page.locator('herald-send-notification').getByRole('button', { name: 'Send Custom Notification' });
  }
}
