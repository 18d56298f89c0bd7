import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closeServer, listen } from '../../server/http/listen';
import { createApp } from '../../server/app';
import { loadConfig } from '../../server/config';
import { migrateDatabase, openDatabase, type Database, type DbClient, type OpenOptions } from '../../server/db/client';
import type { Deps } from '../../server/deps';
import { silentLogger } from '../../server/core/logger';
import { createTenant, type NewTenant } from '../../server/rbac/tenants';
import { checkResponse } from './response-contract';

export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

export type Api = <T = any>(method: string, path: string, body?: unknown, headers?: Record<string, string>) => Promise<ApiResponse<T>>;

/**
 * An HTTP client for one bearer token (or none); bodies that are strings are sent as they are. Every answer must
 * match the schema its route declares for its status (see response-contract.ts), or the request throws.
 */
export function apiClient(baseUrl: string, token?: string): Api {
  return async (method, path, body, headers = {}) => {
    const init: RequestInit = { method, headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers } };
    if (body !== undefined) {
      init.body = typeof body === 'string' ? body : JSON.stringify(body);
      (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
    }
    const res = await fetch(baseUrl + path, init);
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      /* keep text */
    }
    checkResponse(method, path, res.status, parsed);
    return { status: res.status, headers: res.headers, body: parsed as any };
  };
}

/**
 * The client tests open their databases with, as `herald serve` would: Herald's own for a file, or @libsql/client
 * (the code a libSQL server is reached with) when HERALD_DB_CLIENT=libsql, as the `server-libsql` project sets it.
 */
export const testDbClient: DbClient = loadConfig({ HERALD_DB_CLIENT: process.env.HERALD_DB_CLIENT }).HERALD_DB_CLIENT;

/** A clock tests can move: real time plus what `advance` added; `freeze` stops it following real time until `thaw`. */
export function testClock() {
  let offset = 0;
  let frozenAt: number | null = null;
  return {
    now: () => (frozenAt ?? Date.now()) + offset,
    advance(ms: number) {
      offset += ms;
    },
    /** For margins a busy machine's real time would eat (a retry due 100 ms after a check). */
    freeze() {
      frozenAt ??= Date.now();
    },
    /** Follows real time again, from where the frozen clock stood. */
    thaw() {
      if (frozenAt === null) return;
      offset += frozenAt - Date.now();
      frozenAt = null;
    },
  };
}

export interface TestHerald {
  url: string;
  /** The libSQL database file (with `-wal` beside it while open). */
  dbFile: string;
  database: Database;
  clock: ReturnType<typeof testClock>;
  /** The first tenant's admin (Administrator, scope all). */
  admin: NewTenant & { api: Api };
  /** Another tenant, for isolation tests. */
  newTenant(name?: string): Promise<NewTenant & { api: Api }>;
  api(token?: string): Api;
  close(): Promise<void>;
}

/** The real app over real HTTP on a fresh libSQL file, migrated as production does. */
export async function startTestHerald(
  options: { deps?: Partial<Deps> | ((base: Deps) => Partial<Deps>); database?: OpenOptions } = {},
): Promise<TestHerald> {
  const dir = mkdtempSync(join(tmpdir(), 'herald-test-'));
  const dbFile = join(dir, 'herald.db');
  const database = openDatabase(`file:${dbFile}`, { backgroundIo: true, client: testDbClient, ...options.database });
  await migrateDatabase(database);
  const clock = testClock();
  const base: Deps = { database, now: clock.now, log: silentLogger };
  const app = createApp({ ...base, ...(typeof options.deps === 'function' ? options.deps(base) : options.deps) });
  const server = await listen(app.fetch, '127.0.0.1', 0);
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const newTenant = async (name = 'Contoso') => {
    const t = await createTenant(database, { name, adminEmail: `admin@${name.toLowerCase()}.example`, now: clock.now() });
    return { ...t, api: apiClient(url, t.token) };
  };
  const admin = await newTenant('Contoso');
  return {
    url,
    dbFile,
    database,
    clock,
    admin,
    newTenant,
    api: (token) => apiClient(url, token),
    close: async () => {
      await closeServer(server);
      // settles once the checkpointer thread is gone too, so nothing writes into the directory while it is removed
      await database.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
