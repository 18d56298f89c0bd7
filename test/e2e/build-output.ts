import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Every .js file under a built extension's folder, recursively, with its size in bytes. */
export function jsFiles(dir: string): { path: string; bytes: number }[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.js'))
    .map((f) => ({ path: f, bytes: statSync(join(dir, f)).size }));
}
