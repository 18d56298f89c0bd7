import { sql, type SQL } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dueBy, QUEUED } from '../../../server/dispatch/claim';
import { startTestHerald, type TestHerald } from '../../helpers/herald';

let herald: TestHerald;
beforeAll(async () => {
  herald = await startTestHerald();
});
afterAll(() => herald.close());

const plan = async (query: SQL) =>
  (await herald.database.db.all<{ detail: string }>(sql`EXPLAIN QUERY PLAN ${query}`)).map((row) => row.detail).join('\n');

describe('the delivery queue', () => {
  // deliveries_due holds only queued rows; the worker's and /metrics' reads of the queue must go through it,
  // or each would scan every delivery ever written.
  it('is read through the deliveries_due index, oldest or newest first without a sort', async () => {
    expect(await plan(sql`SELECT id FROM deliveries WHERE ${dueBy(Date.now())} ORDER BY next_attempt_at, id LIMIT 10`)).toBe(
      'SEARCH deliveries USING COVERING INDEX deliveries_due (next_attempt_at<?)',
    );
    expect(await plan(sql`SELECT id FROM deliveries WHERE ${dueBy(Date.now())} ORDER BY next_attempt_at DESC, id DESC LIMIT 10`)).toBe(
      'SEARCH deliveries USING COVERING INDEX deliveries_due (next_attempt_at<?)',
    );
    expect(await plan(sql`SELECT count(*), min(next_attempt_at) FROM deliveries WHERE ${QUEUED}`)).toMatch(
      /^SCAN deliveries USING COVERING INDEX deliveries_due$/,
    );
  });
});
