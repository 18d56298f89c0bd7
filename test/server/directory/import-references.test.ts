import type { SQL } from 'drizzle-orm';
import { SQLiteSyncDialect } from 'drizzle-orm/sqlite-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database, Tx } from '../../../server/db/client';
import { group, importDirectory, phone, user } from '../../helpers/directory';
import { startTestHerald, type TestHerald } from '../../helpers/herald';

/** The longest text parameter of any statement read through `tx.all` since the last reset. */
let longestParameter = 0;
const dialect = new SQLiteSyncDialect();

/** `database`, its write transactions noting the parameters of what they read. */
function noting(database: Database): Database {
  const note = (query: SQL) => {
    for (const p of dialect.sqlToQuery(query).params) if (typeof p === 'string') longestParameter = Math.max(longestParameter, p.length);
  };
  const wrap = (tx: Tx) =>
    new Proxy(tx, {
      get(target, key) {
        const value = Reflect.get(target, key, target);
        if (key !== 'all') return typeof value === 'function' ? value.bind(target) : value;
        return (query: SQL) => {
          note(query);
          return target.all(query);
        };
      },
    });
  return { ...database, write: (fn) => database.write((tx) => fn(wrap(tx))) };
}

let herald: TestHerald;
beforeAll(async () => {
  herald = await startTestHerald({ deps: (base) => ({ database: noting(base.database) }) });
});
afterAll(() => herald.close());

const api = () => herald.admin.api;

describe('checking the references of a large import', () => {
  const users = Array.from({ length: 12_000 }, (_, i) => user(`ref-u${i}`));

  it('looks the tenant up a few thousand ids at a time, not in one statement naming every id', async () => {
    await importDirectory(api(), { users });
    longestParameter = 0;
    const everyone = group(
      'ref-everyone',
      users.map((u) => ({ type: 'user' as const, id: u.id })),
    );
    expect((await api()('POST', '/v1/directory/import', { groups: [everyone] })).status).toBe(200);
    // 12,000 ids are over 100,000 characters of JSON; 5,000 are about 60,000
    expect(longestParameter).toBeGreaterThan(0);
    expect(longestParameter).toBeLessThan(70_000);
  });

  it('names the missing references in the order the import made them, with what made each, across lookups', async () => {
    const ghosts = Array.from({ length: 12_000 }, (_, i) => ({ type: 'user' as const, id: `ghost-${i}` }));
    // every third one exists; the others are missing, spread over all three lookups
    const members = ghosts.map((g, i) => (i % 3 === 0 ? { type: 'user' as const, id: users[i]!.id } : g));
    const res = await api()('POST', '/v1/directory/import', {
      devices: [phone('ref-d1', 'ghost-device-owner')],
      groups: [group('ref-g1', members.slice(0, 6_000)), group('ref-g2', members.slice(3_000))],
    });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe(
      "Device 'ref-d1' (enrolledByUserId) names user 'ghost-device-owner', which exists neither in this import nor in the tenant (and 8000 more unknown references); nothing was imported.",
    );
    const missing = ghosts.filter((_, i) => i % 3 !== 0);
    expect(res.body.error.details).toEqual([
      { type: 'user', id: 'ghost-device-owner', referencedBy: "Device 'ref-d1' (enrolledByUserId)" },
      ...missing.slice(0, 99).map((g) => ({ type: 'user', id: g.id, referencedBy: "Group 'ref-g1'" })),
    ]);
    const audit = (await api()('GET', '/v1/audit?action=directory.import')).body.items as { outcome: string; details: any }[];
    const refused = audit.find((e) => e.outcome === 'rejected')!;
    expect(refused.details.missingCount).toBe(8_001);
    expect(refused.details.missing.at(-1)).toEqual({ type: 'user', id: missing[98]!.id, referencedBy: "Group 'ref-g1'" });
  });

  it('names the group that listed a missing member only in the later part of the import', async () => {
    const res = await api()('POST', '/v1/directory/import', {
      groups: [
        group(
          'ref-g3',
          users.slice(0, 6_000).map((u) => ({ type: 'user' as const, id: u.id })),
        ),
        group('ref-g4', [...users.slice(6_000).map((u) => ({ type: 'user' as const, id: u.id })), { type: 'device', id: 'ghost-d' }]),
      ],
    });
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([{ type: 'device', id: 'ghost-d', referencedBy: "Group 'ref-g4'" }]);
  });
});
