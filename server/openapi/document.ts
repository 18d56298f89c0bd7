import { z } from 'zod';
import { operations } from './operations';


const schema = (s: z.ZodType) => z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' });

const errorResponse = { description: 'An error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };

/** Hono's `/v1/x/:id` as OpenAPI's `/v1/x/{id}`. */
export const openApiPath = (honoPath: string) => honoPath.replace(/:([A-Za-z]+)/g, '{$1}');

/** The OpenAPI 3.1 description of every `/v1` route, built from the same zod schemas the routes validate with. */
export function openApiDocument() {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const [key, op] of Object.entries(operations)) {
    const [method, honoPath] = key.split(' ') as [string, string];
    const path = openApiPath(honoPath);
    const parameters: unknown[] = [...path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
    if (op.query) {
      const q = schema(op.query) as { properties?: Record<string, unknown>; required?: string[] };
      for (const [name, s] of Object.entries(q.properties ?? {})) parameters.push({ name, in: 'query', required: q.required?.includes(name) ?? false, schema: s });
    }
    paths[path] ??= {};
    paths[path][method.toLowerCase()] = {
      summary: op.summary,
      description: op.permission ? `Needs ${op.permission}.` : undefined,
      security: op.auth === 'device' ? [{ device: [] }] : [{ bearer: [] }],
      parameters: parameters.length ? parameters : undefined,
      requestBody: op.body ? { required: true, content: { 'application/json': { schema: schema(op.body) } } } : undefined,
      responses: {
        ...Object.fromEntries(Object.entries(op.responses).map(([status, description]) => [status, { description }])),
        default: errorResponse,
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Herald', version: '1', description: 'Custom push notifications to managed iOS/iPadOS and Android devices.' },
    paths,
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'An API token: Authorization: Bearer <token>' },
        device: { type: 'apiKey', in: 'header', name: 'Authorization', description: 'Device <deviceId>:<secret>' },
      },
      schemas: {
        Error: {
          type: 'object',
          required: ['error'],
          properties: { error: { type: 'object', required: ['code', 'message'], properties: { code: { type: 'string' }, message: { type: 'string' }, details: {} } } },
        },
      },
    },
  };
}
