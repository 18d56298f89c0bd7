import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

let dir: string | undefined;

/** Writes a file into this process's temporary folder (removed when the process exits) and returns its path. */
export function tempFile(name: string, content: string): string {
  if (!dir) {
    const made = mkdtempSync(join(tmpdir(), 'herald-fakes-'));
    process.once('exit', () => rmSync(made, { recursive: true, force: true }));
    dir = made;
  }
  const path = join(dir, name);
  writeFileSync(path, content, { mode: 0o600 });
  return path;
}
