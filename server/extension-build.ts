import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';

/** `npm start` builds the browser extension (wxt build) and says where to load it; a failed build does not stop Herald. */
export async function buildExtension(): Promise<string> {
  const folder = resolve('.output/chrome-mv3');
  try {
    await promisify(execFile)('npx', ['wxt', 'build'], { maxBuffer: 16 * 1024 * 1024 });
  } catch (error) {
    return `The browser extension could not be built (${error instanceof Error ? error.message.split('\n')[0] : String(error)}); run \`npx wxt build\` to see why.`;
  }
  return [
    `Browser extension built in ${folder}`,
    'Load it in Chrome or Edge: open chrome://extensions, turn on Developer mode, click "Load unpacked" and choose that folder.',
    "Then open the extension's Options: Server URL as above, API token as printed on first start (or `npm run herald -- token create`).",
    '',
  ].join('\n');
}
