import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../server/app';
import { openApiPath } from '../../server/openapi/document';
import { startTestHerald, type TestHerald } from '../helpers/herald';

let herald: TestHerald;
beforeAll(async () => {
  herald = await startTestHerald();
});
afterAll(() => herald.close());

describe('GET /openapi.json', () => {
  it('describes exactly the /v1 routes the app serves', async () => {
    const res = await herald.api()('GET', '/openapi.json');
    expect(res.status).toBe(200);
    const described = Object.entries(res.body.paths as Record<string, Record<string, unknown>>).flatMap(([path, ops]) =>
      Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`),
    );
    const app = createApp({ database: herald.database, now: Date.now, log: () => {} });
    const served = app.routes.filter((r) => r.method !== 'ALL' && r.path.startsWith('/v1/')).map((r) => `${r.method} ${openApiPath(r.path)}`);
    expect([...new Set(described)].sort()).toEqual([...new Set(served)].sort());
  });

  it('derives request bodies from the shared zod schemas', async () => {
    const doc = (await herald.api()('GET', '/openapi.json')).body;
    const send = doc.paths['/v1/notifications'].post;
    const schema = send.requestBody.content['application/json'].schema;
    expect(Object.keys(schema.properties).sort()).toEqual(['body', 'deviceId', 'groupIds', 'title']);
    expect(send.responses['202']).toBeDefined();
    expect(doc.paths['/v1/notifications/{id}'].get.parameters[0]).toMatchObject({ name: 'id', in: 'path', required: true });
    expect(doc.paths['/v1/devices'].get.parameters.map((p: { name: string }) => p.name)).toContain('search');
  });
});
