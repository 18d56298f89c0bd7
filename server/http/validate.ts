import type { Context } from 'hono';
import { validator } from 'hono/validator';
import type { z } from 'zod';
import { parseOr400 } from '../core/parse';
import { idParam } from '../../shared/schemas';
import { AppError, invalidRequest } from '../core/errors';

// parsing is also needed by services (a send's text checked again once its template is merged in)
export { parseOr400, zodDetails } from '../core/parse';

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
