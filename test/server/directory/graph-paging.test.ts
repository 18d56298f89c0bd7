import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSyncedHerald, type SyncedHerald } from '../../helpers/graph';
import { expectStatus } from '../../helpers/rbac';

let s: SyncedHerald;
let elsewhere: Server;
let elsewhereConnections = 0;

beforeEach(async () => {
  s = await startSyncedHerald({ fake: { pageSize: 2 } });
  elsewhereConnections = 0;
  elsewhere = createServer((socket) => {
    elsewhereConnections++;
    socket.destroy();
  });
  await new Promise<void>((resolve) => elsewhere.listen(0, '127.0.0.1', resolve));
});
afterEach(async () => {
  await s.close();
  await new Promise((resolve) => elsewhere.close(resolve));
});

const iphone = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  deviceName: `${id} iPhone`,
  operatingSystem: 'iOS',
  userId: null,
  managementState: 'managed',
  serialNumber: `SN-${id}`,
  ...extra,
});

describe('paging through managed devices', () => {
  it("asks for the next page from the page's text, yet follows only the link Graph's parsed answer names", async () => {
    // keys Graph never sends, placed where the next page's link is looked for: inside the last device of a page
    s.fake.setDevice(iphone('d1'));
    s.fake.setDevice(iphone('d2', { '@odata.nextLink': `${s.fake.origin}/v1.0/misleading` }));
    s.fake.setDevice(iphone('d3'));
    s.fake.setDevice(iphone('d4', { '@odata.nextLink': `https://127.0.0.1:${(elsewhere.address() as AddressInfo).port}/v1.0/x` }));
    s.fake.setDevice(iphone('d5'));
    await s.connect();

    const sync = await s.sync();

    expect(sync.status).toBe('succeeded');
    expect(sync.counts?.devices).toEqual({ added: 5, updated: 0, removed: 0 });
    const devices = expectStatus(await s.herald.admin.api('GET', '/v1/devices?limit=50'), 200);
    expect(devices.items.map((d: { id: string }) => d.id).sort()).toEqual(['d1', 'd2', 'd3', 'd4', 'd5']);
    // the link read ahead from the first page was asked for, then dropped for the one Graph's answer names
    expect(s.fake.state.requests).toContain('/v1.0/misleading');
    // a link read ahead to another origin is never followed: the token goes only where the page came from
    expect(elsewhereConnections).toBe(0);
  });
});
