import { constants, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { group, importDirectory, user } from '../../helpers/directory';
import { startTestHerald, type TestHerald } from '../../helpers/herald';

let herald: TestHerald;
beforeAll(async () => {
  herald = await startTestHerald();
});
afterAll(() => herald.close());

/** Full collections asked for by code (gc()), not chosen by V8, while `fn` runs and shortly after. */
async function forcedCollectionsDuring(fn: () => Promise<unknown>): Promise<number> {
  const entries: PerformanceEntry[] = [];
  const observer = new PerformanceObserver((list) => entries.push(...list.getEntries()));
  observer.observe({ entryTypes: ['gc'] });
  try {
    await fn();
    await new Promise((resolve) => setTimeout(resolve, 200));
  } finally {
    observer.disconnect();
  }
  return entries.filter((e) => {
    const { kind, flags } = (e as PerformanceEntry & { detail: { kind: number; flags: number } }).detail;
    return kind === constants.NODE_PERFORMANCE_GC_MAJOR && (flags & constants.NODE_PERFORMANCE_GC_FLAGS_FORCED) !== 0;
  }).length;
}

describe('memory after an import', () => {
  it('collects the garbage of a bulk import (10,000 objects or memberships) once it has answered', async () => {
    const users = Array.from({ length: 10_000 }, (_, i) => user(`bulk-${i}`));
    expect(await forcedCollectionsDuring(() => importDirectory(herald.admin.api, { users }))).toBe(1);
  });

  it('counts the memberships a group import lists towards that size', async () => {
    const users = Array.from({ length: 10_000 }, (_, i) => user(`member-${i}`));
    await importDirectory(herald.admin.api, { users });
    const members = users.map((u) => ({ type: 'user' as const, id: u.id }));
    expect(await forcedCollectionsDuring(() => importDirectory(herald.admin.api, { groups: [group('everyone', members)] }))).toBe(1);
  });

  it('leaves a small import to V8', async () => {
    expect(await forcedCollectionsDuring(() => importDirectory(herald.admin.api, { users: [user('small')] }))).toBe(0);
  });
});
