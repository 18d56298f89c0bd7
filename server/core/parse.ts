import type { z } from 'zod';
import { AppError, invalidRequest } from './errors';

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
