import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../server/app';
import { openApiPath, operations } from '../../server/openapi/document';
import { startTestHerald, type TestHerald } from '../helpers/herald';
import { checkResponse } from '../helpers/response-contract';

let herald: TestHerald;
beforeAll(async () => {
  herald = await startTestHerald();
});
afterAll(() => herald.close());

const described = (doc: { paths: Record<string, Record<string, unknown>> }) =>
  Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`));

describe('GET /openapi.json', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    const res = await herald.api()('GET', '/openapi.json');
    expect(res.status).toBe(200);
    const validator = new Validator();
    const result = await validator.validate(res.body);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('describes exactly the /v1 and Graph-compatible routes the app serves', async () => {
    const res = await herald.api()('GET', '/openapi.json');
    const app = createApp({ database: herald.database, now: Date.now, log: () => {} });
    const served = app.routes
      .filter((r) => r.method !== 'ALL' && /^\/(v1|beta|v1\.0)\//.test(r.path))
      .map((r) => `${r.method} ${openApiPath(r.path)}`);
    expect(served).toContain('POST /beta/deviceManagement/managedDevices/{id}/sendCustomNotificationToCompanyPortal');
    expect(served).toContain('POST /v1/directory/sync');
    expect([...new Set(described(res.body))].sort()).toEqual([...new Set(served)].sort());
  });

  it('derives request bodies, parameters and answers from the shared zod schemas', async () => {
    const doc = (await herald.api()('GET', '/openapi.json')).body;
    const send = doc.paths['/v1/notifications'].post;
    expect(Object.keys(send.requestBody.content['application/json'].schema.properties).sort()).toEqual([
      'body',
      'deviceId',
      'deviceIds',
      'groupIds',
      'requireAcknowledgement',
      'sendAt',
      'templateId',
      'title',
      'translations',
      'urgency',
    ]);
    const [queued, scheduled] = send.responses['202'].content['application/json'].schema.oneOf;
    expect(queued.required.sort()).toEqual(['audience', 'id', 'status', 'target']);
    expect(scheduled.required.sort()).toEqual(['id', 'sendAt', 'status', 'target']);
    expect(send.responses.default.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/Error' });
    expect(doc.components.schemas.Error.properties.error.required.sort()).toEqual(['code', 'message']);
    const list = doc.paths['/v1/notifications'].get.responses['200'].content['application/json'].schema;
    expect(list.properties.items.items.properties.sender.properties.email).toEqual({ type: ['string', 'null'] });
    expect(doc.paths['/v1/notifications/{id}'].get.parameters[0]).toMatchObject({
      name: 'id',
      in: 'path',
      required: true,
      schema: { type: 'string', maxLength: 128 },
    });
    expect(doc.paths['/v1/devices'].get.parameters.map((p: { name: string }) => p.name)).toContain('search');
    expect(doc.paths['/v1/devices/{id}'].delete.responses['204'].content).toBeUndefined();
    expect(doc.paths['/v1/device/checkin'].post.security).toEqual([{ device: [] }]);
    expect(doc.paths['/v1/directory/sync'].post.requestBody.required).toBe(false);
    expect(
      doc.paths['/v1.0/deviceManagement/sendCustomNotificationToCompanyPortal'].post.requestBody.content[
        'application/json'
      ].schema.required.sort(),
    ).toEqual(['groupsToNotify', 'notificationBody', 'notificationTitle']);
    expect(doc.paths['/v1/roles'].get.description).toBe('Needs Roles.Read.');
  });
});

describe('the operations each feature declares', () => {
  it('give every route one success answer, with a schema unless it is 204', () => {
    for (const [key, op] of Object.entries(operations)) {
      const successes = Object.entries(op.responses).filter(([status]) => Number(status) < 300);
      expect(successes, key).toHaveLength(1);
      const [status, answer] = successes[0]!;
      expect(answer.schema === undefined, `${key} ${status}`).toBe(status === '204');
    }
  });
});

describe('the test client checks every answer against its declared schema', () => {
  it('passes answers that match, and an unknown route answering the error schema', () => {
    expect(() =>
      checkResponse('GET', '/v1/quotas?deviceId=x', 200, {
        groupSends: { limit: 1, used: 0, resetsAt: null, available: 1, scheduled: 0 },
        deviceSends: { limitPerDevice: 3 },
      }),
    ).not.toThrow();
    expect(() => checkResponse('DELETE', '/v1/devices/d1', 204, null)).not.toThrow();
    expect(() => checkResponse('GET', '/v1/nowhere', 404, { error: { code: 'notFound', message: 'No route.' } })).not.toThrow();
  });

  it('throws naming the route, the status and the issue when an answer breaks its schema', () => {
    expect(() => checkResponse('GET', '/v1/notifications/n1', 200, { id: 'n1' })).toThrow(
      /GET \/v1\/notifications\/:id \(200\).*createdAt/,
    );
    expect(() => checkResponse('GET', '/v1/quotas', 201, {})).toThrow(/status 201 is not declared/);
    expect(() => checkResponse('DELETE', '/v1/devices/d1', 204, { gone: true })).toThrow(/without a body/);
    expect(() => checkResponse('GET', '/v1/nowhere', 404, { message: 'lost' })).toThrow(/GET \/v1\/nowhere \(404\).*error schema/);
    expect(() => checkResponse('GET', '/v1/me', 500, { error: { code: 'internalError' } })).toThrow(/GET \/v1\/me \(500\).*error\.message/);
  });

  it('fails a real request whose answer breaks its schema', async () => {
    // a real 200 of /v1/me, checked as if /v1/me had declared /v1/roles's answer
    const res = await herald.admin.api('GET', '/v1/me');
    expect(() => checkResponse('GET', '/v1/roles', 200, res.body)).toThrow(/GET \/v1\/roles \(200\)/);
  });
});
