import type { Context } from 'hono';
import { validator } from 'hono/validator';
import type { z } from 'zod';
import { idParam } from '../../shared/schemas';
import { AppError, invalidRequest } from '../core/errors';

/** zod issues as `details`, each naming its field. */
export function zodDetails(error: z.ZodError) {
  return error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
}

/**
 * Parses with `schema` or throws a 400 whose message names the first bad field. Its code is `invalidRequest`,
 * or the one the first issue names in `params.errorCode` (e.g. `messageTooLarge`).
 */
export function parseOr400<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const first = result.error.issues[0];
  const where = first?.path.length ? `${first.path.join('.')}: ` : '';
  const message = `${where}${first?.message ?? 'invalid input'}`;
  const code = first?.code === 'custom' && typeof first.params?.errorCode === 'string' ? first.params.errorCode : undefined;
  throw code ? new AppError(400, code, message, zodDetails(result.error)) : invalidRequest(message, zodDetails(result.error));
}

/** A JSON body validated by a shared zod schema; non-JSON bodies get 415, malformed JSON 400. */
export const jsonBody = <S extends z.ZodType>(schema: S) =>
  validator('json', (value, c) => {
    assertJsonContentType(c.req.header('content-type'));
    return parseOr400(schema, value);
  });

export const query = <S extends z.ZodType>(schema: S) => validator('query', (value) => parseOr400(schema, value));

/** The `{id}` path parameter, validated as every id is (`c.req.valid('param').id`). */
export const validId = validator('param', (value) => parseOr400(idParam, value));

/** Hono's json validator reads a non-JSON body as `{}`; Herald answers 415 instead. */
export function assertJsonContentType(contentType: string | undefined): void {
  const mediaType = contentType?.split(';')[0]?.trim() ?? '';
  if (!/^application\/([\w.-]+\+)?json$/i.test(mediaType))
    throw new AppError(415, 'unsupportedMediaType', 'The request body must be JSON (Content-Type: application/json).');
}

/** Reads a JSON body by hand, for handlers that must see a refusal themselves (e.g. to audit it). */
export async function readJson(c: Context): Promise<unknown> {
  assertJsonContentType(c.req.header('content-type'));
  try {
    return await c.req.json();
  } catch {
    throw invalidRequest('The request body is not valid JSON.');
  }
}
