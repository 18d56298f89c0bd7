import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHerald, testDbClient, type TestHerald } from '../../helpers/herald';

let herald: TestHerald;
beforeAll(async () => {
  herald = await startTestHerald();
});
afterAll(() => herald.close());

const walSyncs = async () => {
  const text = await (await fetch(`${herald.url}/metrics`)).text();
  const value = (line: string) => Number(line.slice(line.lastIndexOf(' ') + 1));
  const lines = text.split('\n');
  return {
    text,
    buckets: lines.filter((l) => l.startsWith('herald_wal_sync_seconds_bucket{')).map(value),
    count: value(lines.find((l) => l.startsWith('herald_wal_sync_seconds_count ')) ?? ' NaN'),
    sum: value(lines.find((l) => l.startsWith('herald_wal_sync_seconds_sum ')) ?? ' NaN'),
  };
};

describe('GET /metrics: WAL syncs', () => {
  it('counts how long each fdatasync a durable write waited for took, as a histogram (none where COMMIT syncs itself)', async () => {
    const before = await walSyncs();
    await herald.newTenant('Fabrikam'); // a write, answered once its commit is synced
    const after = await walSyncs();
    if (testDbClient === 'libsql') {
      // @libsql/client runs without background I/O: its COMMIT syncs inside itself, so there is nothing to count
      expect(after.text).not.toContain('herald_wal_sync_seconds');
      return;
    }
    expect(after.text).toContain('# TYPE herald_wal_sync_seconds histogram');
    expect(after.text).toContain('herald_wal_sync_seconds_bucket{le="+Inf"}');
    expect(after.count).toBeGreaterThan(before.count);
    expect(after.sum).toBeGreaterThan(before.sum);
    // cumulative buckets, the last (+Inf) holding every sync
    expect(after.buckets).toEqual([...after.buckets].sort((a, b) => a - b));
    expect(after.buckets.at(-1)).toBe(after.count);
  });
});
