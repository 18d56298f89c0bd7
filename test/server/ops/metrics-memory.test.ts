import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHerald, type TestHerald } from '../../helpers/herald';

let herald: TestHerald;
beforeAll(async () => {
  herald = await startTestHerald();
});
afterAll(() => herald.close());

const gauge = (text: string, name: string) => {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.slice(name.length + 1));
};

describe('GET /metrics: memory', () => {
  it("tells where the process's memory is: resident set, V8 heap, buffers and SQLite's page cache limit", async () => {
    const text = await (await fetch(`${herald.url}/metrics`)).text();
    const rss = gauge(text, 'herald_resident_memory_bytes')!;
    const heapTotal = gauge(text, 'herald_heap_size_total_bytes')!;
    const heapUsed = gauge(text, 'herald_heap_size_used_bytes')!;
    expect(rss).toBeGreaterThan(heapTotal);
    expect(heapTotal).toBeGreaterThanOrEqual(heapUsed);
    expect(heapUsed).toBeGreaterThan(0);
    expect(gauge(text, 'herald_external_memory_bytes')).toBeGreaterThan(0);
    // SQLite's default: cache_size -2000, in KiB
    expect(gauge(text, 'herald_db_page_cache_limit_bytes')).toBe(2000 * 1024);
    expect(text).toContain('# TYPE herald_resident_memory_bytes gauge');
  });
});
