import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { apiClient } from '../../helpers/herald';
import { spawnHerald } from '../../helpers/process';

const dir = mkdtempSync(join(tmpdir(), 'herald-startup-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('herald serve at start', () => {
  it('stops with a message naming a bad setting', async () => {
    const failure = await spawnHerald({ HERALD_PORT: 'eighty' }).catch((e: Error) => e);
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).message).toMatch(/exited with 1[\s\S]*HERALD_PORT/);
  });

  it('prints the first admin token on an empty database only, and the token keeps working after a restart', async () => {
    const env = { HERALD_DB_URL: `file:${join(dir, 'herald.db')}` };
    const first = await spawnHerald(env);
    expect(first.token).toMatch(/^hrld_/);
    expect(first.stderr()).toContain('shown only this once');
    await first.stop();
    const second = await spawnHerald(env);
    try {
      expect(second.token).toBeNull();
      expect(second.stderr()).not.toContain('Created tenant');
      expect((await apiClient(second.url, first.token!)('GET', '/v1/me')).body.account.email).toBe('admin@localhost');
    } finally {
      await second.stop();
    }
  });
});
