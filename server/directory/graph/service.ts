import { sql } from 'drizzle-orm';
import type { z } from 'zod';
import type { DirectoryConnection, DirectorySync, directoryConnectionSchema, SyncKind } from '../../../shared/directory-sync';
import type { Config } from '../../config';
import type { Database } from '../../db/client';
import type { Logger } from '../../core/logger';
import { AppError } from '../../core/errors';
import { describeFailure } from '../../core/logger';
import { applyChanges } from './apply';
import { graphClient, type SyncProgress } from './client';
import { connectionView, credentialOf, deleteConnection, putConnection, readConnection, type ConnectionChange } from './connection';
import { secretKeySource } from './crypto';
import { readOrganization, recordOrganization } from './organization';
import { readDirectory } from './read';
import { claimSync, finishSync, getSync, listSyncs, renewLease, syncView } from './syncs';
import { tokenSource } from './token';

export interface DirectorySyncOptions {
  /** HERALD_ENTRA_AUTHORITY_HOST (default https://login.microsoftonline.com) */
  authorityHost?: string;
  /** HERALD_GRAPH_BASE_URL (default https://graph.microsoft.com) */
  graphBaseUrl?: string;
  /** HERALD_SECRET_KEY; unset: a key file beside the database file */
  secretKey?: Buffer;
  /** How long a sync may wait for throttling in all (60 s). */
  throttleBudgetMs?: number;
  /** How long a running sync's claim lasts without renewal (60 s); a crashed process's sync is failed after it. */
  leaseMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

export interface StartedSync {
  sync: DirectorySync;
  /** Settles with the finished sync (succeeded or failed); never rejects. */
  done: Promise<DirectorySync>;
}

/**
 * Directory sync from Microsoft Entra ID and Intune: the tenant's connection, and syncs that read Graph
 * outside any transaction, then apply every change in one write transaction (a failure changes nothing).
 */
export function createDirectorySync(deps: { database: Database; now: () => number; log: Logger }, options: DirectorySyncOptions = {}) {
  const { database, now, log } = deps;
  const graphBaseUrl = options.graphBaseUrl ?? 'https://graph.microsoft.com';
  const leaseMs = options.leaseMs ?? 60_000;
  const key = secretKeySource(database, options.secretKey);
  const tokens = tokenSource({ authorityHost: options.authorityHost ?? 'https://login.microsoftonline.com', graphBaseUrl });
  /** Syncs this process runs, so closing can wait for them. */
  const inFlight = new Set<Promise<DirectorySync>>();

  async function run(
    sync: { id: string; tenantId: string; kind: SyncKind; actorAccountId: string | null; view: DirectorySync },
    onProgress?: (p: SyncProgress) => void,
  ): Promise<DirectorySync> {
    const lease = setInterval(() => {
      database
        .write((tx) => renewLease(tx, sync.id, now() + leaseMs))
        .catch((error: unknown) =>
          log({ level: 'error', msg: 'directory sync lease renewal failed', syncId: sync.id, ...describeFailure(error) }),
        );
    }, leaseMs / 3);
    lease.unref();
    try {
      const connection = await readConnection(database.db, sync.tenantId);
      if (!connection) throw notConnected();
      const credential = credentialOf(connection, await key());
      const client = graphClient({
        graphBaseUrl,
        token: () => tokens.token(credential),
        throttleBudgetMs: options.throttleBudgetMs,
        sleep: options.sleep,
        onProgress,
      });
      const full = sync.kind === 'full';
      const readStart = performance.now();
      const readCpu = process.cpuUsage();
      const changes = await readDirectory(client, {
        users: full ? null : connection.usersDeltaLink,
        groups: full ? null : connection.groupsDeltaLink,
      });
      const organization = await readOrganization(client);
      const applyStart = performance.now();
      const applyCpu = process.cpuUsage();
      const row = await database.write(async (tx) => {
        const current = await readConnection(tx, sync.tenantId);
        if (current?.updatedAt !== connection.updatedAt)
          throw new AppError(
            409,
            'connectionChanged',
            'The directory connection was changed or removed during the sync; nothing was changed.',
          );
        const counts = await applyChanges(tx, sync.tenantId, changes);
        await recordOrganization(tx, sync.tenantId, organization);
        const kind = changes.users.full || changes.groups.full ? 'full' : 'incremental';
        return finishSync(tx, sync, { counts, links: { users: changes.users.deltaLink, groups: changes.groups.deltaLink }, kind }, now());
      });
      log({
        level: 'info',
        msg: 'directory sync succeeded',
        tenantId: sync.tenantId,
        syncId: sync.id,
        kind: row.kind,
        counts: row.counts,
        // where the time went: reading Graph (every managed device, at each sync) and applying in one transaction
        readMs: Math.round(applyStart - readStart),
        applyMs: Math.round(performance.now() - applyStart),
        // this process's CPU meanwhile (other requests' included): on a busy machine, steadier than the times
        readCpuMs: cpuMs(process.cpuUsage(readCpu)) - cpuMs(process.cpuUsage(applyCpu)),
        applyCpuMs: cpuMs(process.cpuUsage(applyCpu)),
      });
      return syncView(row);
    } catch (error) {
      const reported =
        error instanceof AppError
          ? { code: error.code, message: error.message }
          : { code: 'syncFailed', message: 'The sync failed on an unexpected error (see the server log); nothing was changed.' };
      log({
        level: 'warn',
        msg: 'directory sync failed',
        tenantId: sync.tenantId,
        syncId: sync.id,
        code: reported.code,
        ...(error instanceof AppError ? { message: error.message } : describeFailure(error)),
      });
      try {
        return syncView(await database.write((tx) => finishSync(tx, sync, { error: reported }, now())));
      } catch {
        // already finished elsewhere (its lease lapsed), or the database is gone: what it holds, else what this process knows
        return getSync(database.db, sync.tenantId, sync.id).catch(() => ({ ...sync.view, status: 'failed' as const, error: reported }));
      }
    } finally {
      clearInterval(lease);
    }
  }

  const service = {
    async getConnection(tenantId: string): Promise<DirectoryConnection> {
      const row = await readConnection(database.db, tenantId);
      if (!row) throw notConnected();
      return connectionView(row);
    },

    async putConnection(change: ConnectionChange, input: z.output<typeof directoryConnectionSchema>): Promise<DirectoryConnection> {
      const view = await putConnection(database, await key(), change, input);
      tokens.forget(change.tenantId);
      return view;
    },

    async deleteConnection(change: ConnectionChange): Promise<void> {
      await deleteConnection(database, change);
      tokens.forget(change.tenantId);
    },

    /** Claims the tenant's sync slot (409 syncRunning when taken) and runs the sync in the background. */
    async start(
      tenantId: string,
      actorAccountId: string | null,
      request: { full?: boolean; onProgress?: (p: SyncProgress) => void } = {},
    ): Promise<StartedSync> {
      const connection = await readConnection(database.db, tenantId);
      if (!connection) throw notConnected();
      const kind: SyncKind = request.full || !connection.usersDeltaLink || !connection.groupsDeltaLink ? 'full' : 'incremental';
      const row = await database.write((tx) => claimSync(tx, tenantId, kind, now(), leaseMs));
      const done = run({ id: row.id, tenantId, kind, actorAccountId, view: syncView(row) }, request.onProgress);
      inFlight.add(done);
      void done.finally(() => inFlight.delete(done));
      return { sync: syncView(row), done };
    },

    /** Settles once the syncs this process started have finished. */
    async settled(): Promise<void> {
      await Promise.all(inFlight);
    },

    list: (tenantId: string, limit: number) => listSyncs(database.db, tenantId, limit),
    get: (tenantId: string, id: string) => getSync(database.db, tenantId, id),

    /**
     * Starts the automatic syncs that are due: connected tenants whose `directorySyncMinutes` (not 0) have
     * passed since their last sync started. Another process may start the same one: the claim lets one win.
     */
    async startDue(): Promise<StartedSync[]> {
      const due = await database.db.all<{
        tenantId: string;
      }>(sql`SELECT c.tenant_id AS tenantId FROM directory_connections c JOIN tenants t ON t.id = c.tenant_id
        WHERE t.directory_sync_minutes > 0 AND NOT EXISTS (SELECT 1 FROM directory_syncs s WHERE s.tenant_id = c.tenant_id
          AND (s.status = 'running' OR s.started_at > ${now()} - t.directory_sync_minutes * 60000))`);
      const started: StartedSync[] = [];
      for (const { tenantId } of due) {
        try {
          started.push(await service.start(tenantId, null));
        } catch (error) {
          if (!(error instanceof AppError && error.code === 'syncRunning')) throw error;
        }
      }
      return started;
    },
  };
  return service;
}

export type DirectorySyncService = ReturnType<typeof createDirectorySync>;

/** The service as HERALD_ENTRA_AUTHORITY_HOST, HERALD_GRAPH_BASE_URL and HERALD_SECRET_KEY configure it. */
export const directorySyncFrom = (config: Config, deps: { database: Database; now: () => number; log: Logger }) =>
  createDirectorySync(deps, {
    authorityHost: config.HERALD_ENTRA_AUTHORITY_HOST,
    graphBaseUrl: config.HERALD_GRAPH_BASE_URL,
    secretKey: config.HERALD_SECRET_KEY,
  });

const cpuMs = (usage: NodeJS.CpuUsage) => Math.round((usage.user + usage.system) / 1000);

const notConnected = () =>
  new AppError(404, 'notConnected', 'This tenant has no directory connection: PUT /v1/directory/connection first.');
