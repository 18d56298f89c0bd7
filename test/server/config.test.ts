import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config';

describe('loadConfig', () => {
  it('gives the documented defaults', () => {
    expect(loadConfig({})).toMatchObject({
      HERALD_DB_URL: 'file:data/herald.db',
      HERALD_HOST: '127.0.0.1',
      HERALD_PORT: 8787,
      HERALD_LOG: 'json',
    });
  });

  it('names each bad variable', () => {
    expect(() => loadConfig({ HERALD_PORT: '99999', HERALD_DB_URL: 'postgres://x' })).toThrow(
      /HERALD_DB_URL: must be file:PATH[\s\S]*HERALD_PORT/,
    );
    expect(() => loadConfig({ HERALD_DB_URL: 'file:' })).toThrow(/HERALD_DB_URL/);
    expect(() => loadConfig({ HERALD_DB_URL: 'file:data/herald.db?mode=ro' })).toThrow(/HERALD_DB_URL: .*query strings and fragments/);
    expect(() => loadConfig({ HERALD_DB_URL: 'file://fileserver/herald.db' })).toThrow(/HERALD_DB_URL: .*no host but localhost/);
  });

  it('refuses an in-memory database, which the server and CLI cannot share between their connections', () => {
    expect(() => loadConfig({ HERALD_DB_URL: 'file::memory:' })).toThrow(/HERALD_DB_URL: an in-memory database .*name a file/);
    expect(() => loadConfig({ HERALD_DB_URL: 'file:%3Amemory%3A' })).toThrow(/HERALD_DB_URL: an in-memory database/);
  });

  it("takes HERALD_DB_CLIENT=libsql (a file through @libsql/client), defaults to Herald's own client and refuses others", () => {
    expect(loadConfig({}).HERALD_DB_CLIENT).toBe('local');
    expect(loadConfig({ HERALD_DB_CLIENT: 'libsql' }).HERALD_DB_CLIENT).toBe('libsql');
    expect(() => loadConfig({ HERALD_DB_CLIENT: 'sqld' })).toThrow(/HERALD_DB_CLIENT/);
  });

  it('refuses a misspelt HERALD_ variable instead of ignoring it', () => {
    expect(() => loadConfig({ HERALD_PROT: '80' })).toThrow(/HERALD_PROT: not a Herald setting/);
  });

  it('ignores empty values and other variables', () => {
    expect(loadConfig({ HERALD_PORT: '', PATH: '/usr/bin' }).HERALD_PORT).toBe(8787);
  });
});
