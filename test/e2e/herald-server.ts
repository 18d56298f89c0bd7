import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../server/config';
import type { Database } from '../../server/db/client';
import { startServer } from '../../server/serve';
import { apiClient, type Api } from '../helpers/herald';
import { directory } from './directory';

export interface E2eHerald {
  url: string;
  /** The bootstrap admin's token (Administrator of the tenant "Default"). */
  token: string;
  /** The tenant "Default" that token is the admin of. */
  tenantId: string;
  database: Database;
  api: Api;
  close(): Promise<void>;
}

/** Herald as `npm start` runs it (with its dispatcher on the push simulator), on a temporary database holding the e2e directory; `env` adds settings. */
export async function startHeraldWithDirectory(env: Record<string, string> = {}): Promise<E2eHerald> {
  const dataDir = mkdtempSync(join(tmpdir(), 'herald-e2e-'));
  const server = await startServer(
    loadConfig({ HERALD_DB_URL: `file:${join(dataDir, 'herald.db')}`, HERALD_PORT: '0', HERALD_LOG: 'silent', ...env }),
  );
  const close = async () => {
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  };
  const token = server.bootstrap!.token;
  const api = apiClient(server.url, token);
  const imported = await api('POST', '/v1/directory/import', directory);
  if (imported.status !== 200) {
    await close();
    throw new Error(`importing the e2e directory answered ${imported.status}: ${JSON.stringify(imported.body)}`);
  }
  return { url: server.url, token, tenantId: server.bootstrap!.tenantId, database: server.database, api, close };
}
