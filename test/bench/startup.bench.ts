import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnHerald } from '../helpers/process';
import type { Bench } from './run';
import { median } from './stats';

const RUNS = 5;

/** Milliseconds from spawning `herald serve` to its first answered request (`/healthz`), and the process stopped again. */
async function startToFirstAnswer(compiled: boolean, dbUrl: string): Promise<number> {
  const started = performance.now();
  const server = await spawnHerald({ HERALD_DB_URL: dbUrl }, ['serve'], { compiled });
  try {
    const answer = await fetch(`${server.url}/healthz`);
    if (!answer.ok) throw new Error(`/healthz answered ${answer.status}`);
    return performance.now() - started;
  } finally {
    await server.stop();
  }
}

/** Start-up of the production build against the development entry (tsx), on an empty database and on one that exists. */
const bench: Bench = {
  name: 'startup',
  async run() {
    for (const compiled of [true, false]) {
      const label = compiled ? 'compiled (node dist/cli.js)' : 'development (tsx server/cli.ts)';
      const fresh: number[] = [];
      const again: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        const dir = mkdtempSync(join(tmpdir(), 'herald-startup-'));
        try {
          const dbUrl = `file:${join(dir, 'herald.db')}`;
          fresh.push(await startToFirstAnswer(compiled, dbUrl));
          again.push(await startToFirstAnswer(compiled, dbUrl));
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      }
      const range = (xs: number[]) => `${Math.round(Math.min(...xs))}-${Math.round(Math.max(...xs))}`;
      console.log(
        `start-up to first answered request, ${label}: empty database median ${Math.round(median(fresh))} ms (${range(fresh)}), ` +
          `existing database median ${Math.round(median(again))} ms (${range(again)}), ${RUNS} runs each`,
      );
    }
  },
};
export default bench;
