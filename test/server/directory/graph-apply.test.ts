import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyChanges } from '../../../server/directory/graph/apply';
import { deviceJson, deviceRow, type DirectoryChanges } from '../../../server/directory/graph/read';
import { importDirectory, phone } from '../../helpers/directory';
import { startTestHerald, type TestHerald } from '../../helpers/herald';

let herald: TestHerald;
beforeAll(async () => {
  herald = await startTestHerald();
});
afterAll(() => herald.close());

/** A managed device as Graph lists it. */
const managed = (id: string, overrides: Record<string, unknown> = {}) => ({
  id,
  deviceName: `Device ${id}`,
  operatingSystem: 'iOS',
  userId: null,
  managementState: 'managed',
  serialNumber: `SN-${id}`,
  ...overrides,
});

/** An incremental round with no user or group change, and `devices` as Graph listed them. */
const listing = (devices: Record<string, unknown>[]): DirectoryChanges => ({
  users: { full: false, upserts: new Map(), removed: new Set(), deltaLink: 'users' },
  groups: { full: false, upserts: new Map(), removed: new Set(), deltaLink: 'groups' },
  devices: { ids: devices.map((o) => deviceRow(o)!.id), rows: devices.map((o) => deviceJson(deviceRow(o)!)) },
});

/** Applies `changes` in one write transaction as a sync does; also counts the statements it ran. */
async function apply(tenantId: string, changes: DirectoryChanges) {
  let statements = 0;
  const counts = await herald.database.write((tx) => {
    const counting = new Proxy(tx, {
      get(target, key) {
        const value: unknown = Reflect.get(target, key, target);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          if (key === 'all' || key === 'run' || key === 'get' || key === 'values') statements++;
          return value.apply(target, args);
        };
      },
    });
    return applyChanges(counting, tenantId, changes);
  });
  return { counts: counts.devices, statements };
}

const storedDevices = (tenantId: string) =>
  herald.database.db.all<{ id: string; name: string; serial_number: string | null; source: string }>(
    sql`SELECT id, name, serial_number, source FROM devices WHERE tenant_id = ${tenantId} ORDER BY id`,
  );

describe('applying the managed devices of a sync', () => {
  it('runs one statement for a listing of 1,200 unchanged devices: the read of the stored ones, none per device', async () => {
    const { tenantId } = await herald.newTenant('Unchanged');
    const devices = Array.from({ length: 1200 }, (_, i) => managed(`d${i}`, { operatingSystem: i % 2 ? 'Android' : 'iOS' }));
    expect((await apply(tenantId, listing(devices))).counts).toEqual({ added: 1200, updated: 0, removed: 0 });

    expect(await apply(tenantId, listing(devices))).toEqual({ counts: { added: 0, updated: 0, removed: 0 }, statements: 1 });
    // in any order Graph lists them
    expect(await apply(tenantId, listing([...devices].reverse()))).toEqual({ counts: { added: 0, updated: 0, removed: 0 }, statements: 1 });
  });

  it('takes the last entry of a device Graph listed twice, and adds, updates and removes in any listing order', async () => {
    const { tenantId } = await herald.newTenant('Order');
    await apply(tenantId, listing([managed('b'), managed('d'), managed('f')]));

    const result = await apply(
      tenantId,
      listing([managed('g'), managed('d', { deviceName: 'First' }), managed('a'), managed('d', { deviceName: 'Last' }), managed('b')]),
    );

    expect(result.counts).toEqual({ added: 2, updated: 1, removed: 1 });
    expect((await storedDevices(tenantId)).map((d) => [d.id, d.name])).toEqual([
      ['a', 'Device a'],
      ['b', 'Device b'],
      ['d', 'Last'],
      ['g', 'Device g'],
    ]);
  });

  it('diffs ids that SQLite and JavaScript order differently (beyond U+FFFF against U+E000-U+FFFF) as exactly', async () => {
    const { tenantId } = await herald.newTenant('Astral');
    // JavaScript puts x😀 (a surrogate pair) before x！ (U+FF01); SQLite, comparing UTF-8 bytes, after it
    const devices = [managed('x😀'), managed('x！'), managed('y')];
    expect((await apply(tenantId, listing(devices))).counts).toEqual({ added: 3, updated: 0, removed: 0 });
    expect(await apply(tenantId, listing(devices))).toEqual({ counts: { added: 0, updated: 0, removed: 0 }, statements: 1 });

    const result = await apply(tenantId, listing([managed('x😀', { deviceName: 'Renamed' }), managed('y'), managed('z')]));
    expect(result.counts).toEqual({ added: 1, updated: 1, removed: 1 });
    expect((await storedDevices(tenantId)).map((d) => [d.id, d.name])).toEqual([
      ['x😀', 'Renamed'],
      ['y', 'Device y'],
      ['z', 'Device z'],
    ]);
  });

  it('compares ids and names that need escaping exactly: unchanged they cost nothing, a change is written, a gone one removed', async () => {
    const { tenantId } = await herald.newTenant('Escapes');
    const devices = [
      managed('quote"d', { deviceName: 'Ann\'s "work" phone' }),
      managed('back\\slash', { deviceName: 'C:\\Users\\ann' }),
      managed('ünïcødé-😀', { deviceName: 'Téléphone 📱 de Zoë' }),
      managed('d-newline', { deviceName: 'two\nlines', serialNumber: null }),
      managed('d-controls', { deviceName: 'tab\there, unit\u001fseparator, delete\u007f', serialNumber: '' }),
    ];
    expect((await apply(tenantId, listing(devices))).counts).toEqual({ added: 5, updated: 0, removed: 0 });
    expect(await apply(tenantId, listing(devices))).toEqual({ counts: { added: 0, updated: 0, removed: 0 }, statements: 1 });

    const renamed = managed('quote"d', { deviceName: 'Ann\'s "home" phone' });
    const result = await apply(tenantId, listing([renamed, ...devices.slice(1, 4)]));
    expect(result.counts).toEqual({ added: 0, updated: 1, removed: 1 });
    expect(await storedDevices(tenantId)).toEqual([
      { id: 'back\\slash', name: 'C:\\Users\\ann', serial_number: 'SN-back\\slash', source: 'graph' },
      { id: 'd-newline', name: 'two\nlines', serial_number: null, source: 'graph' },
      { id: 'quote"d', name: 'Ann\'s "home" phone', serial_number: 'SN-quote"d', source: 'graph' },
      { id: 'ünïcødé-😀', name: 'Téléphone 📱 de Zoë', serial_number: 'SN-ünïcødé-😀', source: 'graph' },
    ]);
  });

  it("writes Graph's columns over a hand-imported device it lists, and never removes it once Graph stops listing it", async () => {
    const tenant = await herald.newTenant('Imported');
    await importDirectory(tenant.api, { devices: [phone('shared', null, { name: 'Imported name' })] });

    expect((await apply(tenant.tenantId, listing([managed('shared')]))).counts).toEqual({ added: 0, updated: 1, removed: 0 });
    expect((await apply(tenant.tenantId, listing([]))).counts).toEqual({ added: 0, updated: 0, removed: 0 });
    expect(await storedDevices(tenant.tenantId)).toEqual([
      { id: 'shared', name: 'Device shared', serial_number: 'SN-shared', source: 'import' },
    ]);
  });
});

describe('applying a full round of groups', () => {
  /** A full round that lists each group of `groups` with exactly these user members, and no user or device. */
  const groupRound = (groups: Record<string, string[]>): DirectoryChanges => ({
    users: { full: false, upserts: new Map(), removed: new Set(), deltaLink: 'users' },
    groups: {
      full: true,
      upserts: new Map(
        Object.entries(groups).map(([id, members]) => [
          id,
          { id, displayName: id, added: new Map(members.map((m) => [`user:${m}`, { type: 'user' as const, id: m }])), removed: new Map() },
        ]),
      ),
      removed: new Set(),
      deltaLink: 'groups',
    },
    devices: { ids: [], rows: [] },
  });
  const memberships = (tenantId: string) =>
    herald.database.db.all<{ g: string; m: string; source: string }>(
      sql`SELECT group_id AS g, member_id AS m, source FROM group_members WHERE tenant_id = ${tenantId} ORDER BY group_id, member_id`,
    );

  it('removes a synced member its group no longer lists, even when another group lists it, and keeps a hand-added one', async () => {
    const { tenantId } = await herald.newTenant('FullGroups');
    await herald.database.write((tx) => applyChanges(tx, tenantId, groupRound({ ga: ['u1', 'u2'], gb: ['u1'] })));
    await herald.database.write((tx) =>
      tx.run(sql`INSERT INTO group_members (tenant_id, group_id, member_type, member_id) VALUES (${tenantId}, 'ga', 'user', 'local')`),
    );

    const counts = await herald.database.write((tx) => applyChanges(tx, tenantId, groupRound({ ga: ['u1'], gb: ['u2'] })));

    expect(await memberships(tenantId)).toEqual([
      { g: 'ga', m: 'local', source: 'import' },
      { g: 'ga', m: 'u1', source: 'graph' },
      { g: 'gb', m: 'u2', source: 'graph' },
    ]);
    expect(counts.groups.updated).toBe(2);
  });
});
