/**
 * The popup's time to interactive in real Chromium (navigation start to the Title field enabled, i.e. the saved draft
 * loaded), connected to a real Herald, and the size of the built extension's JavaScript. Builds the extension from
 * the working tree first, as run.ts builds the server: a build left in .output by an older tree would be measured instead.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { jsFiles } from '../e2e/build-output';
import { CHROMIUM, EXTENSION_DIR, launchWithExtension, useConnection } from '../e2e/browser';
import { startTestHerald } from '../helpers/herald';
import type { Bench } from './run';
import { percentile } from './stats';
import { judge } from './targets';

const RUNS = 30;

declare global {
  interface Window {
    heraldInteractiveAt?: number;
  }
}

async function run() {
  if (!existsSync(CHROMIUM))
    throw new Error(`No Chromium at ${CHROMIUM}: install Debian's package (apt-get install chromium), as .ci/run does.`);
  const started = performance.now();
  // quiet unless it fails: a failed build throws with what it printed
  execFileSync('npm', ['run', '-s', 'build:ext'], { stdio: 'pipe' });
  console.log(`(built the extension into ${EXTENSION_DIR} in ${((performance.now() - started) / 1000).toFixed(1)} s)`);
  const files = jsFiles(EXTENSION_DIR).sort((a, b) => b.bytes - a.bytes);
  const total = files.reduce((sum, f) => sum + f.bytes, 0);
  console.log(
    `built JavaScript: ${(total / 1024).toFixed(1)} KB in ${files.length} files (budget 300 KB: ${judge('extension JavaScript <= 300 KB', `${(total / 1024).toFixed(1)} KB`, total <= 300 * 1024)}); largest ${files
      .slice(0, 3)
      .map((f) => `${f.path} ${(f.bytes / 1024).toFixed(1)} KB`)
      .join(', ')}`,
  );

  const herald = await startTestHerald();
  const browser = await launchWithExtension();
  try {
    await useConnection(browser, herald.url, herald.admin.token);
    const times: number[] = [];
    for (let i = 0; i < RUNS + 3; i++) {
      const page = await browser.context.newPage();
      // Stamps the moment the Title field exists and is enabled, in ms since this navigation started. A string, so
      // that tsx's transform adds nothing the page does not define.
      await page.addInitScript({
        content: `new MutationObserver(() => {
          const title = document.getElementById('field-title');
          if (title && !title.disabled && window.heraldInteractiveAt === undefined) window.heraldInteractiveAt = performance.now();
        }).observe(document, { subtree: true, childList: true, attributes: true });`,
      });
      await page.goto(browser.url('popup.html'));
      await page.waitForFunction(() => window.heraldInteractiveAt !== undefined);
      const at = await page.evaluate(() => window.heraldInteractiveAt!);
      if (i >= 3) times.push(at); // the first opens warm up the browser's caches
      await page.close();
    }
    times.sort((a, b) => a - b);
    console.log(
      `popup interactive (navigation -> Title enabled), ${RUNS} opens: median ${percentile(times, 50).toFixed(1)} ms, p95 ${percentile(times, 95).toFixed(1)} ms, max ${times.at(-1)!.toFixed(1)} ms (target < 150 ms: ${judge('popup interactive, median < 150 ms', `${percentile(times, 50).toFixed(1)} ms`, percentile(times, 50) < 150)})`,
    );
  } finally {
    await browser.close();
    await herald.close();
  }
}

export default { name: 'extension', run } satisfies Bench;
