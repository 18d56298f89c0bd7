import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { defineConfig, type WxtViteConfig } from 'wxt';
import preact from '@preact/preset-vite';
import { LOCAL_SERVER_ORIGINS } from './extension/utils/connection-check';

export default defineConfig({
  srcDir: 'extension',
  outDir: '.output',
  publicDir: 'extension/public',
  // Every module imports what it uses (the extension API always from webextension-polyfill).
  imports: false,
  vite: () => ({ plugins: [preact(), polyfillAsEsm()] }),
  manifest: ({ browser, manifestVersion }) => {
    // Asked for at save time: a remote Herald server, and the pages of custom console rules (MV2 names them optional_permissions).
    const optionalHosts = ['https://*/*', 'http://*/*'];
    return {
      name: 'Herald',
      description: 'Send custom notifications to managed iOS/iPadOS and Android devices.',
      // scripting: content scripts for the admin's own console rules; the Herald server on this machine needs no prompt.
      // identity: Sign in with Microsoft through the browser's web auth flow (its redirect URL is made from the extension id).
      permissions: ['storage', 'contextMenus', 'notifications', 'scripting', 'identity'],
      host_permissions: [...LOCAL_SERVER_ORIGINS],
      ...(manifestVersion === 3 ? { optional_host_permissions: optionalHosts } : { optional_permissions: optionalHosts }),
      ...(browser === 'firefox' && {
        // Herald talks only to the admin's own server: nothing goes to the extension's authors.
        browser_specific_settings: {
          gecko: { id: 'herald@herald.local', strict_min_version: '109.0', data_collection_permissions: { required: ['none'] } },
        },
      }),
    };
  },
});

type VitePlugin = NonNullable<WxtViteConfig['plugins']>[number];

/**
 * webextension-polyfill as an ES module. It is CommonJS, and the bundler's CommonJS interop copies each property of
 * what it exports onto a new object: where the browser has its own `browser` (Firefox, recent Chromium: 156 here), the
 * polyfill exports that object, and copying it made the browser build every extension API (windows, tabs, identity...)
 * before a page's first line ran. The same polyfill code, given a `module` to fill, then its `exports` as the default.
 */
function polyfillAsEsm(): VitePlugin {
  const id = '\0webextension-polyfill.mjs';
  const file = createRequire(import.meta.url).resolve('webextension-polyfill');
  return {
    name: 'herald:webextension-polyfill-esm',
    apply: 'build',
    enforce: 'pre',
    resolveId: (source) => (source === 'webextension-polyfill' ? id : null),
    load: (loaded) =>
      loaded === id
        ? `const module = { exports: {} };\nconst exports = module.exports;\n${readFileSync(file, 'utf8')}\nexport default module.exports;\n`
        : null,
  };
}
