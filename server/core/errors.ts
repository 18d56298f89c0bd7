import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** A failure the client caused or may retry; `app.onError` turns it into `{"error":{"code","message"}}`. */
export class AppError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
  }
}

export const invalidRequest = (message: string, details?: unknown) => new AppError(400, 'invalidRequest', message, details);
export const unauthenticated = (message = 'A valid API token is required: send Authorization: Bearer <token>.') =>
  new AppError(401, 'unauthenticated', message);
export const forbidden = (message: string) => new AppError(403, 'forbidden', message);
export const missingPermission = (permission: string, over?: string) =>
  forbidden(`This needs the ${permission} permission${over ? ` over ${over}` : ''}.`);
export const notFound = (what: string, id: string) => new AppError(404, 'notFound', `${what} '${id}' was not found.`);
export const conflict = (message: string) => new AppError(409, 'conflict', message);
export const quotaExceeded = (message: string, retryAfterSeconds: number, details?: unknown) =>
  new AppError(429, 'quotaExceeded', message, details, { 'Retry-After': String(retryAfterSeconds) });
