import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, type Client, type ResultSet, type Row } from '@libsql/client';
import { expect, it } from 'vitest';
import { createLocalClient } from '../../server/db/local-client';

/**
 * The two clients Herald opens a database file with: @libsql/client (whose `Client` interface a libSQL server
 * also answers) and Herald's own, which must keep that contract. A contract case runs the same scenario through
 * each, on a database file of its own, and compares what each observed.
 */
export const clients = {
  '@libsql/client': (path: string, timeoutMs?: number): Client => createClient({ url: `file:${path}`, timeout: timeoutMs }),
  'local client': (path: string, timeoutMs?: number): Client => createLocalClient(path, { timeoutMs }),
};

export type ClientName = keyof typeof clients;

/** Opens a client (another connection, for a second call) on the scenario's database file. */
export type Open = (options?: { timeoutMs?: number }) => Client;

/** The table every scenario starts with, in WAL mode as Herald runs its files. */
export const schema = `PRAGMA journal_mode = WAL;
  CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL, data BLOB, score REAL);
  CREATE TABLE u (x INTEGER UNIQUE CHECK (x > 0), t_id INTEGER REFERENCES t (id));`;

/** Runs `scenario` through each client on a fresh file with `schema`; every client it opened is closed afterwards. */
export async function throughBoth<T>(scenario: (open: Open, client: Client) => Promise<T>): Promise<Record<ClientName, T>> {
  const dir = mkdtempSync(join(tmpdir(), 'herald-contract-'));
  try {
    const seen = {} as Record<ClientName, T>;
    for (const name of Object.keys(clients) as ClientName[]) {
      const path = join(dir, `${name.replace(/\W/g, '')}.db`);
      const opened: Client[] = [];
      const open: Open = (options) => {
        const client = clients[name](path, options?.timeoutMs);
        opened.push(client);
        return client;
      };
      const client = open();
      await client.executeMultiple(schema);
      try {
        seen[name] = await scenario(open, client);
      } finally {
        for (const c of opened) c.close();
      }
    }
    return seen;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface Case<T = unknown> {
  name: string;
  scenario: (open: Open, client: Client) => Promise<T>;
  /** Pins part of what @libsql/client observed, the reference, so a scenario that observed nothing cannot pass. */
  reference: (observed: T) => void;
}

export const contract = <T>(name: string, scenario: Case<T>['scenario'], reference: Case<T>['reference']): Case =>
  ({ name, scenario, reference }) as Case;

/** One test per case: the scenario through both clients, the reference pinned, then the local client's observation equal to it. */
export function casesThroughBoth(cases: Case[]) {
  it.each(cases)('$name', async ({ scenario, reference }) => {
    const seen = await throughBoth(scenario);
    reference(seen['@libsql/client']);
    expect(seen['local client']).toEqual(seen['@libsql/client']);
  });
}

/** A value as plain data whose type shows: a bigint, a Buffer and an ArrayBuffer each look different. */
export function plain(value: unknown): unknown {
  if (typeof value === 'bigint') return { bigint: String(value) };
  if (value instanceof ArrayBuffer) return { ArrayBuffer: [...new Uint8Array(value)] };
  if (ArrayBuffer.isView(value)) return { [value.constructor.name]: [...new Uint8Array(value.buffer, value.byteOffset, value.byteLength)] };
  return value;
}

/** A row as drizzle and Herald read it: by name (own enumerable keys), by position, its length and its JSON. */
export function rowShape(row: Row) {
  return {
    byName: Object.fromEntries(Object.entries(row).map(([k, v]) => [k, plain(v)])),
    byPosition: Array.from({ length: row.length }, (_, i) => plain(row[i])),
    length: row.length,
    json: JSON.stringify(row),
  };
}

/** What a result set tells its caller, except `columnTypes` and `toJSON()` (compared on their own). */
export function resultShape(result: ResultSet) {
  return {
    columns: result.columns,
    columnTypes: result.columnTypes.length,
    rows: result.rows.map(rowShape),
    rowsAffected: result.rowsAffected,
    lastInsertRowid: plain(result.lastInsertRowid),
  };
}

/** How a call settled: its value, or that it threw. */
export async function settled<T>(call: () => Promise<T>): Promise<{ value: T } | { error: unknown }> {
  try {
    return { value: await call() };
  } catch (error) {
    return { error };
  }
}

/** The SQLite message without the `CODE: ` prefixes @libsql/client puts before it. */
export const sqliteMessage = (error: unknown) => (error instanceof Error ? error.message.replace(/^([A-Z_]+: )+/, '') : String(error));

/** A failure as every caller may rely on today: that it failed, its JS error class and SQLite's own message. */
export async function failure(call: () => Promise<unknown>) {
  const outcome = await settled(call);
  if ('value' in outcome) return { failed: false };
  const { error } = outcome;
  const kind =
    error instanceof TypeError ? 'TypeError' : error instanceof RangeError ? 'RangeError' : error instanceof Error ? 'Error' : typeof error;
  return { failed: true, kind, message: kind === 'Error' ? sqliteMessage(error) : undefined };
}

/** A write transaction holding the file's write lock (BEGIN IMMEDIATE, one insert pending) until it settles. */
export async function holdWriteLock(client: Client) {
  const held = await client.transaction('write');
  await held.execute("INSERT INTO t (name) VALUES ('holder')");
  return held;
}

export const names = async (client: Client) => (await client.execute('SELECT name FROM t ORDER BY id')).rows.map((r) => r.name);
