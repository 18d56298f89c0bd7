import { pendingMigrations } from '../db/client';
import { describeFailure } from '../core/logger';
import { Hono } from 'hono';
import type { Deps } from '../deps';
import type { AppEnv } from '../http/env';
import { renderMetrics } from './metrics';

export const opsRoutes = ({ database, now, metrics, log }: Deps) =>
  new Hono<AppEnv>()
    .get('/healthz', (c) => c.json({ status: 'ok' }))
    .get('/metrics', async (c) =>
      c.text(await renderMetrics(database.db, now(), metrics, database.walSyncs), 200, {
        'content-type': 'text/plain; version=0.0.4; charset=utf-8',
      }),
    )
    .get('/readyz', async (c) => {
      let pending: number;
      try {
        pending = await pendingMigrations(database);
      } catch (error) {
        log({ level: 'error', msg: 'readiness check failed', ...describeFailure(error) });
        return c.json({ error: { code: 'notReady', message: 'The database is unreachable.' } }, 503);
      }
      if (pending > 0)
        return c.json({ error: { code: 'notReady', message: `${pending} database migration(s) are not applied yet.` } }, 503);
      return c.json({ status: 'ready' });
    });
