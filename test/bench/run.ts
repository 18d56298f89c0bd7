/**
 * `npm run bench [-- NAME...]`: runs every `*.bench.ts` beside this file (or those named) one after
 * another and prints their figures, against the server built by `npm run build` (dist/). Each file default-exports `{ name, run }`; `run` prints its own lines.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { summary } from './targets';

export interface Bench {
  name: string;
  run(): Promise<void>;
}

const dir = fileURLToPath(new URL('.', import.meta.url));
const wanted = process.argv.slice(2);
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .sort();

// The benches measure the production build, so it is built from the working tree first.
execFileSync('npm', ['run', '-s', 'build'], { cwd: fileURLToPath(new URL('../..', import.meta.url)), stdio: 'inherit' });

for (const file of files) {
  const bench = ((await import(`./${file}`)) as { default: Bench }).default;
  if (wanted.length && !wanted.some((w) => bench.name.includes(w) || file.includes(w))) continue;
  console.log(`\n## ${bench.name}`);
  await bench.run();
}
const verdicts = summary();
if (verdicts.length) console.log(`\n## targets (this run)\n${verdicts.join('\n')}`);
process.exit(0);
