import { readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { firstPaintCode, jsFiles } from './build-output';

const output = resolve('.output');
const manifest = (target: string) => JSON.parse(readFileSync(join(output, target, 'manifest.json'), 'utf8'));

describe('the built extension', () => {
  it('is built for Firefox as MV2 with the same pages, scripts and permissions', () => {
    const firefox = manifest('firefox-mv2');
    expect(firefox.manifest_version).toBe(2);
    expect(firefox.browser_specific_settings.gecko.id).toBe('herald@herald.local');
    expect(firefox.background.scripts).toEqual(['background.js']);
    expect(firefox.browser_action.default_popup).toBe('popup.html');
    expect(firefox.options_ui.page).toBe('options.html');
    expect(firefox.permissions).toEqual([
      'storage',
      'contextMenus',
      'notifications',
      'scripting',
      'identity',
      'http://127.0.0.1/*',
      'http://localhost/*',
      'http://[::1]/*',
    ]);
    expect(firefox.optional_permissions).toEqual(['https://*/*', 'http://*/*']);
    expect(firefox.content_scripts[0].matches.sort()).toEqual(['https://endpoint.microsoft.com/*', 'https://intune.microsoft.com/*']);
    for (const file of ['background.js', 'popup.html', 'options.html', 'content-scripts/console.js', 'icon/128.png'])
      expect(statSync(join(output, 'firefox-mv2', file)).size).toBeGreaterThan(0);
  });

  it("trusts only Microsoft Entra ID's hosts as a sign-in authority: the production build's test allowance is empty", () => {
    const background = readFileSync(join(output, 'chrome-mv3', 'background.js'), 'utf8');
    const hosts = '`login.microsoftonline.com`,`login.microsoftonline.us`,`login.chinacloudapi.cn`,`login.partner.microsoftonline.cn`';
    expect(background).toContain(hosts);
    // entra-authority.ts: the list of Entra hosts, then the test allowance, which the production build folds to []
    expect(background).toMatch(new RegExp(`\\[${hosts.replace(/\./g, '\\.')}\\],\\w+=\\[\\]`));
    const e2e = readFileSync(join(output, 'chrome-mv3-e2e', 'background.js'), 'utf8');
    expect(e2e).toMatch(/\],\w+=\[`127\.0\.0\.1`\]/);
  });

  it('asks Chrome for minimal permissions: no tabs, no all-hosts, remote servers only as optional host permissions', () => {
    const chrome = manifest('chrome-mv3');
    expect(chrome.manifest_version).toBe(3);
    // identity: Sign in with Microsoft (launchWebAuthFlow); it shows no install warning
    expect(chrome.permissions).toEqual(['storage', 'contextMenus', 'notifications', 'scripting', 'identity']);
    expect(chrome.host_permissions).toEqual(['http://127.0.0.1/*', 'http://localhost/*', 'http://[::1]/*']);
    expect(chrome.optional_host_permissions).toEqual(['https://*/*', 'http://*/*']);
    expect(chrome.background.service_worker).toBe('background.js');
    expect(chrome.browser_specific_settings).toBeUndefined();
  });

  it('runs the console content script on both Intune admin center hosts in Chrome', () => {
    const chrome = manifest('chrome-mv3');
    expect(chrome.content_scripts).toHaveLength(1);
    expect(chrome.content_scripts[0].matches.sort()).toEqual(['https://endpoint.microsoft.com/*', 'https://intune.microsoft.com/*']);
    expect(chrome.content_scripts[0].js).toEqual(['content-scripts/console.js']);
  });

  it("loads no zod before the popup's first paint: the schemas come after, for Send's last check", () => {
    const popup = firstPaintCode(join(output, 'chrome-mv3'), 'popup.html');
    expect(popup.code).toContain('Compose a custom notification');
    // zod's classes keep their names through minification
    expect(popup.code.match(/Zod(String|Object|Type)\b/)?.[0]).toBeUndefined();
    expect(popup.code.length).toBeLessThan(120 * 1024);
  });

  it('copies no extension API object at start: webextension-polyfill is bundled as an ES module, not through the CommonJS interop', () => {
    // the interop copies every property of a CommonJS module's exports (Object.getOwnPropertyNames); the polyfill's
    // exports are the browser's own `browser` where there is one, so copying made the browser build each of its APIs
    // (the content script is left out: it bundles another CommonJS module, so it has the interop for that one)
    for (const build of ['chrome-mv3', 'firefox-mv2']) {
      const pages = ['popup.html', 'options.html'].map((page) => firstPaintCode(join(output, build), page).code);
      for (const code of [...pages, readFileSync(join(output, build, 'background.js'), 'utf8')]) {
        expect(code).toContain('This script should only be loaded in a browser extension.');
        expect(code.includes('getOwnPropertyNames'), build).toBe(false);
      }
    }
  });

  it('ships under 300 KB of JavaScript', () => {
    const total = jsFiles(join(output, 'chrome-mv3')).reduce((sum, f) => sum + f.bytes, 0);
    expect(total).toBeGreaterThan(10_000);
    expect(total).toBeLessThan(300 * 1024);
  });
});
