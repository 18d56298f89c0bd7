import { request } from 'node:http';
import { constants, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectGarbage } from '../../../server/core/memory';
import { group, importDirectory, user } from '../../helpers/directory';
import { startTestHerald, type TestHerald } from '../../helpers/herald';

/** process.memoryUsage().arrayBuffers at the start of each write transaction. */
const buffersAtWrite: number[] = [];
/**
 * Collect once more before measuring: V8 brings its count of buffer memory down only at a collection, so a buffer
 * freed by the server's collection may still be counted (seen once in CI: 12 MB for an 8 MB body). A buffer still
 * referenced survives any number of collections, so this measures what the server holds, not when V8 recounts.
 */
let collectAtWrite = false;

let herald: TestHerald;
beforeAll(async () => {
  herald = await startTestHerald({
    deps: ({ database }) => ({
      database: {
        ...database,
        write: (fn) =>
          database.write((tx) => {
            if (collectAtWrite) collectGarbage();
            buffersAtWrite.push(process.memoryUsage().arrayBuffers);
            return fn(tx);
          }),
      },
    }),
  });
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

/** POSTs `body` as an import in 64 KB strings, so this process holds no buffer of it (as fetch would until it is answered). */
function postInParts(body: string, chunked: boolean) {
  return new Promise<number>((resolve, reject) => {
    const url = new URL(herald.url);
    const headers: Record<string, string> = { authorization: `Bearer ${herald.admin.token}`, 'content-type': 'application/json' };
    if (!chunked) headers['content-length'] = String(Buffer.byteLength(body));
    const req = request({ host: url.hostname, port: url.port, method: 'POST', path: '/v1/directory/import', headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode!));
    });
    req.on('error', reject);
    const write = async () => {
      for (let i = 0; i < body.length; i += 64 * 1024)
        if (!req.write(body.slice(i, i + 64 * 1024))) await new Promise((r) => req.once('drain', r));
      req.end();
    };
    write().catch(reject);
  });
}

describe('memory around an import', () => {
  it('collects the garbage of reading a bulk import (10,000 objects or memberships) before writing it, and its own once it has answered', async () => {
    const users = Array.from({ length: 10_000 }, (_, i) => user(`bulk-${i}`));
    expect(await forcedCollectionsDuring(() => importDirectory(herald.admin.api, { users }))).toBe(2);
  });

  it('counts the memberships a group import lists towards that size', async () => {
    const users = Array.from({ length: 10_000 }, (_, i) => user(`member-${i}`));
    await importDirectory(herald.admin.api, { users });
    const members = users.map((u) => ({ type: 'user' as const, id: u.id }));
    expect(await forcedCollectionsDuring(() => importDirectory(herald.admin.api, { groups: [group('everyone', members)] }))).toBe(2);
  });

  it('writes a bulk import with the bytes of its body already freed, chunked or of declared length', async () => {
    for (const [name, chunked] of [
      ['declared', false],
      ['chunked', true],
    ] as const) {
      const users = Array.from({ length: 40_000 }, (_, i) => user(`freed-${name}-${i}-${'x'.repeat(100)}`));
      const body = JSON.stringify({ users });
      expect(body.length).toBeGreaterThan(8 * 2 ** 20);
      buffersAtWrite.length = 0;
      collectAtWrite = true;
      try {
        expect(await postInParts(body, chunked)).toBe(200);
      } finally {
        collectAtWrite = false;
      }
      // buffers in the whole (test and server) process when the write began: not the 8 MB body, nor the chunks it came in
      expect(buffersAtWrite.length).toBe(1);
      expect(buffersAtWrite[0]).toBeLessThan(body.length / 4);
    }
  });

  it('collects the garbage of reading a large body every 4 MB of it as it reads, not only once it is read', async () => {
    const users = Array.from({ length: 50_000 }, (_, i) => user(`read-${i}-${'x'.repeat(45)}`));
    const body = JSON.stringify({ users });
    // 2 collections while reading 10 MB of objects, besides the 2 of any bulk import
    expect(body.length).toBeGreaterThan(10 * 2 ** 20);
    expect(body.length).toBeLessThan(11 * 2 ** 20);
    expect(await forcedCollectionsDuring(() => postInParts(body, false))).toBe(4);
  });

  it('leaves a small import to V8', async () => {
    expect(await forcedCollectionsDuring(() => importDirectory(herald.admin.api, { users: [user('small')] }))).toBe(0);
  });
});
