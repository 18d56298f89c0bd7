import type { z } from 'zod';
import { errorSchema } from '../../shared/schemas';
import type { Operation } from '../../server/core/operation';
import { operations } from '../../server/openapi/document';

interface Route {
  method: string;
  template: string;
  pattern: RegExp;
  operation: Operation;
}

/** Each declared operation with a pattern for its Hono path; literal segments first, so `/v1/notifications/preview` is not `/v1/notifications/:id`. */
const routes: Route[] = Object.entries(operations)
  .map(([key, operation]) => {
    const [method, template] = key.split(' ') as [string, string];
    const pattern = new RegExp(`^${template.replace(/[.]/g, '\\.').replace(/:\w+/g, '[^/]+')}$`);
    return { method, template, pattern, operation };
  })
  .sort((a, b) => (a.template.match(/:/g)?.length ?? 0) - (b.template.match(/:/g)?.length ?? 0));

/** The declared operation that serves `method path` (a query string is ignored), if any. */
export function operationFor(method: string, path: string): Route | undefined {
  const pathname = path.split('?')[0]!;
  return routes.find((r) => r.method === method.toUpperCase() && r.pattern.test(pathname));
}

const describe = (error: z.ZodError) => error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ');

/**
 * Throws unless the answer matches what its operation declares for its status: a success its schema (204 no
 * body), an error the shared error schema. Routes no operation declares (/healthz, /openapi.json...) are checked
 * only when they fail, as an error.
 */
export function checkResponse(method: string, path: string, status: number, body: unknown): void {
  const route = operationFor(method, path);
  const name = `${method.toUpperCase()} ${route?.template ?? path.split('?')[0]}`;
  const fail = (why: string): never => {
    throw new Error(`The answer of ${name} (${status}) breaks the API contract: ${why}\nbody: ${JSON.stringify(body)?.slice(0, 2000)}`);
  };
  if (status >= 400) {
    const parsed = errorSchema.safeParse(body);
    if (!parsed.success) fail(`not the error schema: ${describe(parsed.error)}`);
    return;
  }
  if (!route) return;
  const declared = route.operation.responses[status];
  if (!declared) {
    fail(`status ${status} is not declared (declared: ${Object.keys(route.operation.responses).join(', ')})`);
    return;
  }
  if (!declared.schema) {
    if (body !== null) fail('declared without a body, but has one');
    return;
  }
  const parsed = declared.schema.safeParse(body);
  if (!parsed.success) fail(describe(parsed.error));
}
