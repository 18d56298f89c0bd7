import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHerald, type TestHerald } from '../helpers/herald';

let herald: TestHerald;
beforeAll(async () => {
  herald = await startTestHerald();
});
afterAll(() => herald.close());

describe('HTTP basics', () => {
  it('answers /healthz and /readyz with migrations applied', async () => {
    const api = herald.api();
    expect((await api('GET', '/healthz')).body).toEqual({ status: 'ok' });
    const ready = await api('GET', '/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body.migrations).toBeGreaterThan(0);
  });

  it('answers an unknown route with a JSON 404', async () => {
    const res = await herald.api()('GET', '/v1/nothing-here');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('notFound');
  });
});
