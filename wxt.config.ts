import { defineConfig } from 'wxt';
import preact from '@preact/preset-vite';

export default defineConfig({
  srcDir: 'extension',
  outDir: '.output',
  vite: () => ({ plugins: [preact()] }),
  manifest: {
    name: 'Herald',
    description: 'Send custom notifications to managed iOS/iPadOS and Android devices.',
    permissions: ['storage', 'contextMenus', 'notifications'],
    host_permissions: ['http://127.0.0.1/*', 'http://localhost/*'],
    optional_host_permissions: ['https://*/*', 'http://*/*'],
  },
});
