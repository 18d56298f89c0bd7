import { z } from 'zod';
import { errorSchema, idParam } from '../../shared/schemas';
import { auditOperations } from '../audit/operations';
import type { Operations } from '../core/operation';
import { deviceOperations } from '../device/operations';
import { directoryOperations } from '../directory/operations';
import { graphOperations } from '../graph/operations';
import { identityOperations } from '../identity/operations';
import { notificationOperations } from '../notifications/operations';
import { rbacOperations } from '../rbac/operations';
import { templateOperations } from '../templates/operations';
import { tenantOperations } from '../tenant/operations';

/** Every `/v1` and Graph-compatible route, keyed `METHOD /hono/path`, as each feature declares them; a test checks them against the app's routes both ways. */
export const operations: Operations = {
  ...notificationOperations,
  ...tenantOperations,
  ...directoryOperations,
  ...rbacOperations,
  ...templateOperations,
  ...auditOperations,
  ...deviceOperations,
  ...graphOperations,
  ...identityOperations,
};

type JsonSchema = { $schema?: string; properties?: Record<string, unknown>; required?: string[] };

/** A request schema as clients must write it, an answer's as the server writes it. */
const jsonSchema = (s: z.ZodType, io: 'input' | 'output'): JsonSchema => {
  const { $schema: _, ...rest } = z.toJSONSchema(s, { io, unrepresentable: 'any' }) as JsonSchema;
  return rest;
};

const ERROR = { $ref: '#/components/schemas/Error' };
const json = (schema: unknown) => ({ 'application/json': { schema } });

/** Hono's `/v1/x/:id` as OpenAPI's `/v1/x/{id}`. */
export const openApiPath = (honoPath: string) => honoPath.replace(/:([A-Za-z]+)/g, '{$1}');

/** Parameters of one place (`path` or `query`) from the zod object that validates them. */
function parametersOf(schema: z.ZodType, place: 'path' | 'query') {
  const s = jsonSchema(schema, 'input');
  return Object.entries(s.properties ?? {}).map(([name, p]) => ({
    name,
    in: place,
    required: place === 'path' || (s.required?.includes(name) ?? false),
    schema: p,
  }));
}

/** The OpenAPI 3.1 description of every `/v1` and Graph-compatible route, built from the zod schemas the routes validate and answer with. */
export function openApiDocument() {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const [key, op] of Object.entries(operations)) {
    const [method, honoPath] = key.split(' ') as [string, string];
    const path = openApiPath(honoPath);
    const hasParams = /\{\w+\}/.test(path);
    const parameters = [
      ...(hasParams ? parametersOf(op.params ?? idParam, 'path') : []),
      ...(op.query ? parametersOf(op.query, 'query') : []),
    ];
    paths[path] ??= {};
    paths[path][method.toLowerCase()] = {
      summary: op.summary,
      description: op.permission ? `Needs ${op.permission}.` : undefined,
      security: op.auth === 'device' ? [{ device: [] }] : op.auth === 'none' ? [] : [{ bearer: [] }],
      parameters: parameters.length ? parameters : undefined,
      requestBody: op.body ? { required: !op.optionalBody, content: json(jsonSchema(op.body, 'input')) } : undefined,
      responses: {
        ...Object.fromEntries(
          Object.entries(op.responses).map(([status, r]) => [
            status,
            {
              description: r.description,
              content: r.schema ? json(r.schema === errorSchema ? ERROR : jsonSchema(r.schema, 'output')) : undefined,
            },
          ]),
        ),
        default: { description: 'An error', content: json(ERROR) },
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Herald', version: '1', description: 'Custom push notifications to managed iOS/iPadOS and Android devices.' },
    paths,
    components: {
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description: 'A Herald API token (hrld_...) or a Microsoft Entra ID access token for Herald: Authorization: Bearer <token>',
        },
        device: { type: 'apiKey', in: 'header', name: 'Authorization', description: 'Device <deviceId>:<secret>' },
      },
      schemas: { Error: jsonSchema(errorSchema, 'output') },
    },
  };
}
