import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** Every .js file under a built extension's folder, recursively, with its size in bytes. */
export function jsFiles(dir: string): { path: string; bytes: number }[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.js'))
    .map((f) => ({ path: f, bytes: statSync(join(dir, f)).size }));
}

/**
 * The JavaScript a built page (`popup.html`) runs before its first paint: its module scripts and what they import
 * statically, recursively; not what they load later with `import()`.
 */
export function firstPaintCode(dir: string, page: string): { files: string[]; code: string } {
  const html = readFileSync(join(dir, page), 'utf8');
  const pending = [...html.matchAll(/<script[^>]*\ssrc="\/?([^"]+)"/g)].map((m) => join(dir, m[1]!));
  const seen = new Map<string, string>();
  while (pending.length) {
    const file = pending.pop()!;
    if (seen.has(file)) continue;
    const code = readFileSync(file, 'utf8');
    seen.set(file, code);
    for (const m of code.matchAll(/(?:^|[;}\s])(?:import|export)\s*(?:[\w$*{},\s]*from\s*)?["'`](\.{1,2}\/[^"'`]+)["'`]/g))
      pending.push(resolve(dirname(file), m[1]!));
  }
  return { files: [...seen.keys()].map((f) => f.slice(dir.length + 1)), code: [...seen.values()].join('\n') };
}
