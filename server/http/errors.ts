import type { ErrorHandler, NotFoundHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ApiError } from '../../shared/schemas';
import { databaseUnavailable, type UnavailableReason } from '../db/errors';
import { AppError } from '../core/errors';
import { describeFailure, type Logger } from '../core/logger';
import type { AppEnv } from './env';

const codeForStatus: Record<number, string> = {
  400: 'invalidRequest',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'notFound',
  413: 'payloadTooLarge',
  415: 'unsupportedMediaType',
};

/** What a client hears when the database cannot take its request; each is worth retrying later. */
const unavailable: Record<UnavailableReason, () => AppError> = {
  busy: () =>
    new AppError(503, 'databaseBusy', 'The database is busy with another process; try again shortly.', undefined, { 'Retry-After': '1' }),
  storageFull: () =>
    new AppError(
      507,
      'storageFull',
      "The server's storage is full, so this request could not be completed; try again once space is freed.",
    ),
  storageUnavailable: () =>
    new AppError(
      503,
      'storageUnavailable',
      "The server's storage failed, so this request may not have been saved; try again shortly.",
      undefined,
      {
        'Retry-After': '5',
      },
    ),
};

export type ErrorListener = (err: AppError, c: Parameters<ErrorHandler<AppEnv>>[1]) => Promise<void> | void;

/** Maps every failure to `{"error":{"code","message"}}`; unexpected ones are logged and become a 500 without internals. */
export function errorHandler(onAppError: ErrorListener, log: Logger): ErrorHandler<AppEnv> {
  return async (err, c) => {
    let error: AppError;
    const database = err instanceof AppError ? null : databaseUnavailable(err);
    if (err instanceof AppError) error = err;
    else if (database) {
      // a full or failing disk needs an operator; a lock held by another process passes on its own
      if (database.reason !== 'busy')
        log({ level: 'error', requestId: c.get('requestId'), msg: 'database unavailable', ...describeFailure(err) });
      error = unavailable[database.reason]();
    } else if (err instanceof HTTPException && err.status < 500) {
      const status = err.status as ContentfulStatusCode;
      const message = /malformed json/i.test(err.message) ? 'The request body is not valid JSON.' : err.message;
      error = new AppError(status, codeForStatus[status] ?? 'invalidRequest', message || 'Invalid request.');
    } else {
      log({ level: 'error', requestId: c.get('requestId'), msg: 'unhandled error', ...describeFailure(err) });
      error = new AppError(500, 'internalError', `Something went wrong on the server; the request id is ${c.get('requestId')}`);
    }
    try {
      await onAppError(error, c);
    } catch (listenerError) {
      log({ level: 'error', msg: 'error listener failed', error: String(listenerError) });
    }
    const body: ApiError = {
      error: { code: error.code, message: error.message },
    };
    if (error.details !== undefined) body.error.details = error.details;
    return c.json(body, error.status, error.headers);
  };
}

export const notFoundHandler: NotFoundHandler<AppEnv> = (c) =>
  c.json({ error: { code: 'notFound', message: `No route for ${c.req.method} ${c.req.path}.` } }, 404);
