import { sql } from 'drizzle-orm';
import { Hono } from 'hono';
import type { Deps } from '../deps';
import type { AppEnv } from '../http/env';
import { renderMetrics } from './metrics';

export const opsRoutes = ({ database, now, metrics }: Deps) =>
  new Hono<AppEnv>()
    .get('/healthz', (c) => c.json({ status: 'ok' }))
    .get('/metrics', async (c) => c.text(await renderMetrics(database.db, now(), metrics), 200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }))
    .get('/readyz', async (c) => {
      try {
        const rows = await database.db.all<{ n: number }>(sql`SELECT count(*) AS n FROM __drizzle_migrations`);
        return c.json({ status: 'ready', migrations: rows[0]?.n ?? 0 });
      } catch (error) {
        return c.json({ error: { code: 'notReady', message: `Database not ready: ${String(error)}` } }, 503);
      }
    });
