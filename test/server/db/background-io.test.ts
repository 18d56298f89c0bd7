import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { migrateDatabase, openDatabase } from '../../../server/db/client';
import { tenants } from '../../../server/db/schema';
import { walSyncer } from '../../../server/db/wal-sync';

const dir = mkdtempSync(join(tmpdir(), 'herald-bgio-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function deferred() {
  let resolve!: () => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('walSyncer', () => {
  it('runs one sync at a time; commits made during a sync share the next one, which starts only after it', async () => {
    const syncs: ReturnType<typeof deferred>[] = [];
    const { sync } = walSyncer({
      sync: () => {
        const d = deferred();
        syncs.push(d);
        return d.promise;
      },
      close: () => undefined,
    });
    const order: string[] = [];
    const first = sync().then(() => order.push('first'));
    const second = sync().then(() => order.push('second'));
    const third = sync().then(() => order.push('third'));
    expect(syncs).toHaveLength(1); // the later two wait: the running sync may have begun before their commits
    syncs[0]!.resolve();
    await first;
    await Promise.resolve();
    expect(syncs).toHaveLength(2);
    expect(order).toEqual(['first']);
    syncs[1]!.resolve();
    await Promise.all([second, third]);
    expect(order).toEqual(['first', 'second', 'third']);
    expect(syncs).toHaveLength(2);
  });

  it('fails the callers of a failed sync, and the next commit gets a fresh one', async () => {
    let calls = 0;
    const { sync } = walSyncer({
      sync: async () => {
        if (++calls === 1) throw new Error('EIO');
      },
      close: () => undefined,
    });
    await expect(sync()).rejects.toThrow('EIO');
    await expect(sync()).resolves.toBeUndefined();
    expect(calls).toBe(2);
  });
});

describe('openDatabase({ backgroundIo })', () => {
  const marker = (id: string) => ({ id, name: `marker-${id}-${'m'.repeat(40)}`, createdAt: Date.now() });
  const inMainFile = (file: string, text: string) => readFileSync(file).includes(Buffer.from(text));

  it('commits on one writer connection with synchronous = NORMAL and no automatic checkpoints, on every write', async () => {
    const database = openDatabase(`file:${join(dir, 'pragmas.db')}`, { backgroundIo: true });
    await migrateDatabase(database);
    const pragmas = () =>
      database.write(async (tx) => ({
        synchronous: (await tx.all<{ synchronous: number }>(sql`PRAGMA synchronous`))[0]?.synchronous,
        autocheckpoint: (await tx.all<{ wal_autocheckpoint: number }>(sql`PRAGMA wal_autocheckpoint`))[0]?.wal_autocheckpoint,
      }));
    // concurrent writes: a pooled client would hand some of them a fresh connection with SQLite's defaults
    const seen = await Promise.all([
      pragmas(),
      ...Array.from({ length: 30 }, (_, i) => database.write((tx) => tx.insert(tenants).values(marker(`p${i}`)))),
      pragmas(),
    ]);
    expect(seen[0]).toEqual({ synchronous: 1, autocheckpoint: 0 });
    expect(seen.at(-1)).toEqual({ synchronous: 1, autocheckpoint: 0 });
    database.close();
  });

  it('moves committed pages into the database file from its checkpointer thread', async () => {
    const file = join(dir, 'checkpointed.db');
    const database = openDatabase(`file:${file}`, { backgroundIo: true });
    await migrateDatabase(database);
    const { name } = marker('bg');
    await database.write((tx) => tx.insert(tenants).values({ ...marker('bg'), name }));
    const deadline = Date.now() + 5_000;
    while (!inMainFile(file, name) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(inMainFile(file, name)).toBe(true);
    database.close();
  });

  // SQLite starts the WAL over only at a write that begins when every frame is checkpointed; sends arriving every few
  // ms are almost always mid-write when a checkpoint ends, so the WAL grew for as long as they came, each commit appending.
  it('starts the WAL over while writes keep coming, instead of letting it grow', async () => {
    const file = join(dir, 'restarted.db');
    const database = openDatabase(`file:${file}`, { backgroundIo: true });
    await migrateDatabase(database);
    // the WAL header's checkpoint sequence number: SQLite adds one each time the WAL starts over
    const restarts = () => readFileSync(`${file}-wal`).readUInt32BE(12);
    const write = (i: number) => database.write((tx) => tx.insert(tenants).values({ ...marker(`r${i}`), name: `${i}`.padEnd(3000, 'x') }));
    await write(0);
    const before = restarts();
    // a write every 2 ms for 3.5 s (a checkpoint each second), each awaited by its sender but not by the next one
    const writes: Promise<void>[] = [];
    const started = performance.now();
    for (let i = 1; performance.now() - started < 3_500; i++) {
      writes.push(write(i).then(() => undefined));
      await new Promise((r) => setTimeout(r, 2));
    }
    await Promise.all(writes);
    expect(restarts()).toBeGreaterThan(before);
    await database.close();
  });

  it('without it, a small commit stays in the WAL (the control for the test above)', async () => {
    const file = join(dir, 'plain.db');
    const database = openDatabase(`file:${file}`);
    await migrateDatabase(database);
    const { name } = marker('plain');
    await database.write((tx) => tx.insert(tenants).values({ ...marker('plain'), name }));
    await new Promise((r) => setTimeout(r, 600));
    expect(inMainFile(file, name)).toBe(false);
    expect(inMainFile(`${file}-wal`, name)).toBe(true);
    database.close();
  });
});
